#!/bin/sh
# make soak: the daemon (built with LeakSanitizer) on the simulator at 60 fps for SECONDS, a
# control client asking its status every second and cycling the recording (a new session every
# CYCLE seconds, the finished one removed: the disk stays small, start and stop are exercised).
# Every SAMPLE seconds: RSS, the heap in use (the allocator's count, from the status), open
# descriptors, threads (and whether a recording runs). Fails if, after the warm-up (the first two
# cycles, at least 20 % of the run), RSS or the heap rises more than 1 MB:
# judged on each cycle's floor (its lowest sample; the peaks swing by tens of MB with the encoders'
# bursts and say nothing), the lowest floor of the last three cycles against the highest floor of
# the warm-up's cycles (not judged, and said so, with fewer than ten cycles after it: a cycle's
# floor wanders by +-2.5 MB, so a short run cannot tell 1 MB; the heap's floor tells what RSS
# alone cannot: memory we hold, or pages the allocator keeps after they were freed),
# descriptors or threads stay above the warm-up's count in the same
# recording state (the lowest of the last six samples: a client connecting as we look is not a
# leak), the daemon dies, or LeakSanitizer reports anything at its exit.
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
LSAN_OPTIONS="exitcode=23 ${LSAN_OPTIONS:-}" "$BIN" run --config "$OUT/soak.conf" \
    > "$OUT/daemon.log" 2>&1 &
pid=$!
ctl() { "$BIN" ctl --socket "$SOCK" "$@" 2>/dev/null; }
t=0
while [ $t -lt 100 ] && ! ctl status > /dev/null; do sleep 0.1; t=$((t + 1)); done
ctl status > /dev/null || { echo "soak: the daemon did not answer"; cat "$OUT/daemon.log"; kill $pid; exit 1; }

warmup=$((2 * CYCLE)); [ $warmup -ge $((SECONDS_TOTAL / 5)) ] || warmup=$((SECONDS_TOTAL / 5))
echo "t_s,rss_kb,fds,threads,recording,frames,fps,cycle,heap_kb" > "$OUT/samples.csv"
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
        echo "$el,$rss,$fds,$thr,$rec,$frames,$fps,$cycle,$heap" >> "$OUT/samples.csv"
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
awk -F, -v warm="$warmup" -v rc="$rc" -v status_fail="$status_fail" -v tail_n=6 '
NR == 1 { next }
{ c = $8; if (!(c in floor) || $2 < floor[c]) floor[c] = $2; if (c > last_c) last_c = c
  if ($9 != "" && (!(c in hfloor) || $9 < hfloor[c])) hfloor[c] = $9 }
$1 < warm { if ($3 > wfd[$5]) wfd[$5] = $3; if ($4 > wthr[$5]) wthr[$5] = $4; first_after = c + 1; next }
{ n++; if ($2 > mrss) mrss = $2; last_rss = $2; last_frames = $6; last_fps = $7
  k = cnt[$5]++; fd[$5, k] = $3; thr[$5, k] = $4 }
END {
  bad = 0
  if (n == 0) { print "soak: FAIL: no samples after the warm-up"; bad = 1 }
  # the floors: warm-up cycles (all before the first full cycle after it) and the last three
  wfloor = whfloor = 0
  for (c = 0; c < first_after; c++) {
    if ((c in floor) && floor[c] > wfloor) wfloor = floor[c]
    if ((c in hfloor) && hfloor[c] > whfloor) whfloor = hfloor[c]
  }
  judged = last_c - 1 - first_after + 1   # complete cycles after the warm-up (the last may be cut short)
  lo = hlo = 1e12
  for (c = last_c - 3; c < last_c; c++) if (c >= first_after) {
    if ((c in floor) && floor[c] < lo) lo = floor[c]
    if ((c in hfloor) && hfloor[c] < hlo) hlo = hfloor[c]
  }
  printf "soak: %d samples after a %d s warm-up (cycles 0-%d); RSS peak after it %d kB, last %d kB\n",
         n, warm, first_after - 1, mrss, last_rss
  if (judged < 10) printf "soak: RSS and heap not judged: %d complete cycles after the warm-up, 10 needed\n", judged
  else printf "soak: RSS floor (lowest of a cycle): warm-up highest %d kB, last three cycles lowest %d kB (%+d kB)\n",
              wfloor, lo, lo - wfloor
  if (judged >= 10 && whfloor > 0 && hlo < 1e12)
    printf "soak: heap floor (the allocator\047s count): warm-up highest %d kB, last three cycles lowest %d kB (%+d kB)\n",
           whfloor, hlo, hlo - whfloor
  else if (judged >= 10) { print "soak: FAIL: the status gave no heap_kb"; bad = 1 }
  if (judged >= 10 && lo > wfloor + 1024) { print "soak: FAIL: RSS grew more than 1 MB"; bad = 1 }
  if (judged >= 10 && hlo > whfloor + 1024) { print "soak: FAIL: the heap grew more than 1 MB"; bad = 1 }
  # a leak of descriptors or threads stays: the lowest of the last samples in a recording state
  # must not be above the warm-up highest in that state (a client connecting as we look is not)
  for (r = 0; r <= 1; r++) {
    if (!(r in cnt)) continue
    lo_fd = lo_thr = 1e9
    for (k = cnt[r] - tail_n; k < cnt[r]; k++) {
      if (k < 0) continue
      if (fd[r, k] < lo_fd) lo_fd = fd[r, k]
      if (thr[r, k] < lo_thr) lo_thr = thr[r, k]
    }
    printf "soak: recording=%d: fds warm-up max %d, at the end %d; threads warm-up max %d, at the end %d\n",
           r, wfd[r], lo_fd, wthr[r], lo_thr
    if ((r in wfd) && lo_fd > wfd[r]) { print "soak: FAIL: descriptors grew"; bad = 1 }
    if ((r in wthr) && lo_thr > wthr[r]) { print "soak: FAIL: threads grew"; bad = 1 }
  }
  printf "soak: last status: frames %s, fps %s; status requests failed: %d; daemon exit %d\n",
         last_frames, last_fps, status_fail, rc
  if (status_fail > 0) { print "soak: FAIL: the control socket did not answer"; bad = 1 }
  if (rc == 23) { print "soak: FAIL: LeakSanitizer reported leaks (daemon.log)"; bad = 1 }
  else if (rc != 0) { print "soak: FAIL: the daemon exited with " rc; bad = 1 }
  exit bad
}' "$OUT/samples.csv"
verdict=$?
[ $rc -eq 23 ] && grep -A20 "LeakSanitizer" "$OUT/daemon.log" | head -n 40
[ $verdict -eq 0 ] && echo "soak: PASS ($OUT/samples.csv)"
exit $verdict
