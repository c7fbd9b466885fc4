#!/bin/sh
# Runs a shell command inside the test VM (vivid loaded: /dev/video0) and returns its status.
#   tests/vm/run.sh [--systemd] RESULTS_DIR 'command ...'
# --systemd boots systemd (the host's own, on a writable overlay of its root) and runs the command
# as a unit once the system is up; otherwise it runs in a chroot straight from the VM's init.
# The command runs in the host's root (read-only) with a fresh /tmp, in the current directory
# (shared read-only at its own path, wherever it lives), with RESULTS_DIR writable at its path. Its output is in RESULTS_DIR/output.txt.
set -eu
mode=chroot
[ "${1:-}" = --systemd ] && { mode=systemd; shift; }
[ $# -eq 2 ] || { echo "usage: tests/vm/run.sh [--systemd] RESULTS_DIR COMMAND" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
cache=$("$here/prepare.sh")
results=$(mkdir -p "$1" && cd "$1" && pwd)
rm -f "$results/rc" "$results/output.txt"
printf '%s\n' "$results" > "$results/path"
printf '%s\n' "$mode" > "$results/mode"
printf '%s\n' "$(pwd)" > "$results/workdir"
cat > "$results/cmd.sh" <<CMD
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
cd '$(pwd)'
$2
CMD
timeout "${NG_VM_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -cpu max -m 2048 -smp 2 -nographic \
    -no-reboot -kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio.gz" \
    -append "console=ttyS0 quiet panic=-1" \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
    -virtfs local,path="$results",mount_tag=results,security_model=none \
    -virtfs local,path="$(pwd)",mount_tag=work,security_model=none,readonly=on,multidevs=remap \
    > "$results/console.txt" 2>&1 || true
if [ ! -f "$results/rc" ]; then
    echo "vm: the command did not finish; console:" >&2
    tail -n 30 "$results/console.txt" >&2
    exit 1
fi
exit "$(cat "$results/rc")"
