#!/bin/sh
# make soak: the daemon (built with LeakSanitizer) on the simulator at 60 fps for SECONDS, a
# control client asking its status every second and cycling the recording (a new session every
# CYCLE seconds, the finished one removed: the disk stays small, start and stop are exercised).
# Every SAMPLE seconds: RSS, the heap in use (the allocator's count, from the status), open
# descriptors, threads (and whether a recording runs), and the threads started so far (every tid
# seen in /proc/PID/task, looked at each second: a recording's threads live as long as it does).
# Fails if, after the warm-up, RSS or the heap rises more than 1 MB, descriptors or threads grow,
# the control socket stops answering, the daemon dies, or LeakSanitizer reports anything at its
# exit; tests/soak/verdict.awk judges, and says how. RSS is judged net of what each thread
# started leaves behind in the sanitizer's runtime (a page of LeakSanitizer's thread registry,
# kept for ever): SOAK_THREAD_COST names a program that measures it (soak_thread_cost, built
# like the daemon); without it RSS is judged raw.
#   tests/soak/soak.sh BIN OUTDIR SECONDS
# SOAK_SOURCE picks the source (default sim:1; make soak-v4l2 passes vivid's v4l2:/dev/video0).
set -u
BIN=$1 OUT=$2 SECONDS_TOTAL=$3
SOURCE=${SOAK_SOURCE:-sim:1}
CYCLE=${SOAK_CYCLE:-60}
SAMPLE=${SOAK_SAMPLE:-5}
[ "$SECONDS_TOTAL" -ge 30 ] || { echo "soak: at least 30 s" >&2; exit 2; }
[ "$CYCLE" -le $((SECONDS_TOTAL / 3)) ] || CYCLE=$((SECONDS_TOTAL / 3))
rm -rf "$OUT" && mkdir -p "$OUT/sessions"
OUT=$(cd "$OUT" && pwd)
SOCK=$OUT/control.sock
cat > "$OUT/soak.conf" <<CONF
[capture]
source = $SOURCE
fps = 60
[display]
headless = yes
[record]
dir = $OUT/sessions
[control]
socket = $SOCK
CONF
thread_cost=0
if [ -n "${SOAK_THREAD_COST:-}" ]; then
    thread_cost=$("$SOAK_THREAD_COST") || { echo "soak: $SOAK_THREAD_COST failed"; exit 1; }
    echo "soak: a thread started and joined leaves $thread_cost kB resident ($SOAK_THREAD_COST)"
else
    echo "soak: SOAK_THREAD_COST not set: RSS judged without the threads' cost in the sanitizer"
fi
LSAN_OPTIONS="exitcode=23 ${LSAN_OPTIONS:-}" "$BIN" run --config "$OUT/soak.conf" \
    > "$OUT/daemon.log" 2>&1 &
pid=$!
ctl() { "$BIN" ctl --socket "$SOCK" "$@" 2>/dev/null; }
t=0
while [ $t -lt 100 ] && ! ctl status > /dev/null; do sleep 0.1; t=$((t + 1)); done
ctl status > /dev/null || { echo "soak: the daemon did not answer"; cat "$OUT/daemon.log"; kill $pid; exit 1; }

warmup=$((2 * CYCLE)); [ $warmup -ge $((SECONDS_TOTAL / 5)) ] || warmup=$((SECONDS_TOTAL / 5))
echo "t_s,rss_kb,fds,threads,recording,frames,fps,cycle,heap_kb,started" > "$OUT/samples.csv"
: > "$OUT/tids"
cycle=0
start=$(date +%s)
ctl record start > /dev/null
last_cycle=$start
status_fail=0
next_sample=0
while :; do
    now=$(date +%s)
    el=$((now - start))
    [ $el -ge "$SECONDS_TOTAL" ] && break
    kill -0 $pid 2>/dev/null || { echo "soak: the daemon died at ${el} s"; tail -n 30 "$OUT/daemon.log"; exit 1; }
    st=$(ctl status) || status_fail=$((status_fail + 1))
    ls /proc/$pid/task >> "$OUT/tids" 2>/dev/null
    if [ $((now - last_cycle)) -ge "$CYCLE" ]; then   # a new session; the old one removed
        old=$(ls -d "$OUT"/sessions/*/ 2>/dev/null)
        ctl record stop > /dev/null; ctl record start > /dev/null
        [ -n "$old" ] && rm -rf $old
        last_cycle=$now
        cycle=$((cycle + 1))
    fi
    # due, not "el is a multiple of SAMPLE": a slow machine (qemu's emulation) takes more than a
    # second a round and would step over most multiples
    if [ $el -ge $next_sample ]; then
        next_sample=$((el - el % SAMPLE + SAMPLE))
        rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status)
        thr=$(awk '/^Threads:/ {print $2}' /proc/$pid/status)
        fds=$(ls /proc/$pid/fd | wc -l)
        case $st in *'"recording":{"active":true'*) rec=1 ;; *) rec=0 ;; esac
        frames=$(printf '%s' "$st" | sed -n 's/.*"frames":\([0-9]*\).*/\1/p')
        fps=$(printf '%s' "$st" | sed -n 's/.*"fps":\([0-9.]*\).*/\1/p')
        heap=$(printf '%s' "$st" | sed -n 's/.*"heap_kb":\([0-9]*\).*/\1/p')
        sort -u -o "$OUT/tids" "$OUT/tids"
        started=$(wc -l < "$OUT/tids")
        echo "$el,$rss,$fds,$thr,$rec,$frames,$fps,$cycle,$heap,$started" >> "$OUT/samples.csv"
    fi
    sleep 1
done
ctl record stop > /dev/null
kill -TERM $pid
wait $pid
rc=$?
# its own account: frames processed, skipped, dropped by the card, copied out of its buffers
grep "frames processed" "$OUT/daemon.log" | tail -n 1 | sed 's/^needleguide: run: /soak: daemon: /'

# the verdict, from the samples
awk -F, -v warm="$warmup" -v rc="$rc" -v status_fail="$status_fail" -v thread_cost="$thread_cost" \
    -f "$(dirname "$0")/verdict.awk" "$OUT/samples.csv"
verdict=$?
[ $rc -eq 23 ] && grep -A20 "LeakSanitizer" "$OUT/daemon.log" | head -n 40
[ $verdict -eq 0 ] && echo "soak: PASS ($OUT/samples.csv)"
exit $verdict
