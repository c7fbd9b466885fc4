#!/bin/sh
# The installed service under a real systemd (make check-systemd): runs inside the test VM booted
# with systemd (tests/vm/run.sh --systemd), vivid as the capture card. Installs as a newcomer
# would (make install, systemd-sysusers, daemon-reload), then: start and READY, STATUS=, the
# control socket for the service's user and not for others, recording inside the hardened
# sandbox, systemctl reload with a good and a bad file, the journal, restart on a crash, the
# watchdog when the processing thread is wedged, and stop during a recording.
#   tests/vm/systemd_scenarios.sh BUILD_DIR
set -u
BUILD=${1:?usage: systemd_scenarios.sh BUILD_DIR}
CONF=/etc/needleguide/needleguide.conf
SESSIONS=/var/lib/needleguide/sessions
pass=0
fail=0

check() {   # check DESCRIPTION COMMAND...
    desc=$1; shift
    if "$@"; then pass=$((pass + 1)); echo "ok - $desc"
    else fail=$((fail + 1)); echo "not ok - $desc"; fi
}
prop() { systemctl show -P "$1" needleguide; }
# the guest is emulated (TCG, several times slower than the hardware): a snapshot can take longer
# than ctl's default 5 s to be drawn and written, so the scenarios wait up to 30
ctl() { runuser -u needleguide -- needleguide ctl --timeout 30 "$@"; }
journal() { journalctl -b -u needleguide -o cat --no-pager; }
journal_has() { journal | grep -q -- "$1"; }   # journal_has REGEX: a line of the unit's says so
# wait_for SECONDS COMMAND...: true as soon as the command is
wait_for() {
    t=$(($1 * 10)); shift
    while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
    return 1
}
active_with_new_pid() { [ "$(prop ActiveState)" = active ] && [ "$(prop MainPID)" != "$1" ] && [ "$(prop MainPID)" != 0 ]; }
elapsed() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }'; }
quietly() { "$@" > /dev/null 2>&1; }
answers_root() { contains "$(needleguide ctl --timeout 30 status 2>/dev/null)" '"ok":true'; }
answers() { contains "$(ctl status 2>/dev/null)" '"ok":true'; }
contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

echo "# systemd $(systemctl --version | head -n 1 | cut -d' ' -f2), kernel $(uname -r)"

# ---- install, as the README tells a newcomer ----
check "make install" make -s install PREFIX=/usr/local BUILD="$BUILD"
check "systemd-sysusers makes the user" systemd-sysusers
check "the user is in the video group" sh -c 'id -nG needleguide | grep -qw video'
systemctl daemon-reload
# what udev's default rules do for a capture card and a DRM display (the VM has no udev)
chgrp video /dev/video0 /dev/dri/card0 && chmod 0660 /dev/video0 /dev/dri/card0

# ---- start: Type=notify returns once READY=1 came ----
t0=$(date +%s.%N)
check "systemctl start" systemctl start needleguide
echo "# start to READY: $(elapsed "$t0") s"
if ! check "active" test "$(prop ActiveState)" = active; then
    systemctl status needleguide --no-pager
    journalctl -b -u needleguide --no-pager | tail -n 40
    exit 1
fi
pid1=$(prop MainPID)
check "a window on the DRM display (kmsdrm; DeviceAllow=char-drm)" journal_has "fps, window"
check "STATUS= shown by systemctl" wait_for 5 sh -c 'systemctl show -P StatusText needleguide | grep -q fps'
echo "# StatusText: $(prop StatusText)"
check "the config check ran first (ExecStartPre)" journal_has "^$CONF: ok"

# ---- the control socket ----
st=$(ctl status)
echo "# ctl status: $st"
check "ctl status as the service's user" contains "$st" '"ok":true'
check "status sees the capture card" contains "$st" '"state"'
check "the socket is 0660 in /run/needleguide" test "$(stat -c %a /run/needleguide/control.sock)" = 660
check "root is let in" answers_root
# a user in the socket's group can open it, but is neither the daemon's user nor allowed
useradd -M -N -G needleguide -s /usr/sbin/nologin stranger
out=$(runuser -u stranger -- needleguide ctl status 2>&1); rc=$?
check "a user not allowed (SO_PEERCRED) is refused with exit 2" test $rc -eq 2
check "... and told why" contains "$out" "permission denied"
check "the refusal is logged" \
    wait_for 5 journal_has "refused a client: uid $(id -u stranger)"
runuser -u nobody -- needleguide ctl status > /dev/null 2>&1; rc=$?
check "a user outside the socket's group cannot even connect (exit 1)" test $rc -eq 1

# ---- the sandbox: writes only where it may ----
check "snapshot into the state directory" ctl snapshot /var/lib/needleguide/snap.png
check "... the file is there" test -s /var/lib/needleguide/snap.png
ctl snapshot /usr/local/snap.png > /dev/null 2>&1; rc=$?
check "snapshot under ProtectSystem=strict is refused (exit 2)" test $rc -eq 2
check "... and the daemon runs on" test "$(prop MainPID)" = "$pid1"
check "record start" ctl record start
check "a session folder appears" wait_for 10 sh -c "ls $SESSIONS/*/session.json >/dev/null 2>&1"

# ---- reload: a good file applies the plan, a bad one changes nothing ----
cp "$CONF" /tmp/conf.orig
printf '[plan]\nentry = 160,36\nl4_target = 400,330\nl5_target = 350,350\n' >> "$CONF"
check "systemctl reload (good file)" systemctl reload needleguide
check "the journal says it was read again" \
    wait_for 10 journal_has "SIGHUP: .* read again"
check "the new plan is in force (the recording's plan event)" \
    wait_for 10 sh -c "grep -Eq '\"event\":\"plan\".*\"entry\":\\[160(\\.0*)?,36' $SESSIONS/*/events.jsonl"
check "same process" test "$(prop MainPID)" = "$pid1"
echo 'fps = fast' >> "$CONF"
systemctl reload needleguide
check "a bad file is named with file:line in the journal" \
    wait_for 10 journal_has "$CONF:[0-9]"
check "... the old configuration stays, same process" test "$(prop MainPID)" = "$pid1"
check "... still answering" answers
cp /tmp/conf.orig "$CONF"

# ---- the journal: syslog lines from the service ----
check "the journal has the daemon's own lines" journal_has "source v4l2:/dev/video0"
check "... tagged needleguide" sh -c 'journalctl -b -t needleguide --no-pager -o cat | grep -q "control socket"'

# ---- restart on failure ----
systemctl kill -s KILL needleguide
# active again once the new daemon is READY: its first frame drawn, 20-30 s in the emulated guest
check "killed: restarted by systemd" wait_for 90 active_with_new_pid "$pid1"
check "NRestarts = 1" test "$(prop NRestarts)" = 1
pid2=$(prop MainPID)
check "the restarted daemon answers" wait_for 10 answers

# ---- the watchdog: alive while working, fired when processing is wedged ----
sleep 12   # longer than WatchdogSec: fed from the main loop while frames are processed
check "fed for longer than WatchdogSec" test "$(prop MainPID)" = "$pid2"
t0=$(date +%s.%N)
"$BUILD/tests/vm/wedge_thread" "$pid2" ng-process 60 > /tmp/wedge.txt 2>&1 &
wedge=$!
# half of WatchdogSec to call it stuck, WatchdogSec unfed, RestartSec, then the start to READY
check "processing wedged: the watchdog restarts the daemon" wait_for 90 active_with_new_pid "$pid2"
echo "# wedge to restart: $(elapsed "$t0") s"
cat /tmp/wedge.txt
wait $wedge
check "systemd says why" journal_has "Watchdog timeout"
check "NRestarts = 2" test "$(prop NRestarts)" = 2

# ---- stop during a recording: the recording is finished ----
check "record start" wait_for 10 quietly ctl record start
sleep 3
dir=$(ls -td $SESSIONS/*/ | head -n 1)
check "systemctl stop" systemctl stop needleguide
check "inactive, not failed" test "$(prop ActiveState)" = inactive
check "the session says it was stopped by a signal" grep -q '"end_reason": *"stopped: signal"' "$dir/session.json"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$dir/raw.mkv")
echo "# last session: $dir, raw.mkv $frames frames"
check "raw.mkv is whole (ffprobe reads its frames)" test "${frames:-0}" -gt 0

echo "# journal of the unit:"
journalctl -b -u needleguide --no-pager -o short-monotonic | tail -n 40 | sed 's/^/#   /'
echo "systemd scenarios: $pass passed, $fail failed"
[ $fail -eq 0 ]
