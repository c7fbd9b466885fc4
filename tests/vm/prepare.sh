#!/bin/sh
# Builds the test VM for the real-kernel V4L2 tests: Debian's stock kernel (which ships vivid.ko)
# and a busybox initramfs that loads vivid, mounts the host's root read-only over 9p and runs a
# test command in a chroot. Everything is cached in $NG_VM_CACHE; a second run does nothing.
#   tests/vm/prepare.sh            prints the cache directory on success
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${NG_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/needleguide/vm}
mkdir -p "$CACHE"
cd "$CACHE"

# A changed init or module list (this script) means a new initramfs.
cat "$HERE/init" "$0" > key.new
if ! cmp -s key.new key.used 2>/dev/null; then
    rm -f .complete
fi
if [ -f initramfs.cpio.gz ] && [ -f vmlinuz ] && [ -f .complete ]; then
    echo "$CACHE"
    exit 0
fi
rm -f .complete

for tool in qemu-system-x86_64 cpio depmod busybox dpkg-deb apt-get; do
    command -v "$tool" >/dev/null 2>&1 || [ -x /bin/busybox ] || {
        echo "prepare.sh: missing $tool (run scripts/deps.sh)" >&2; exit 1; }
done
BUSYBOX=$(command -v busybox || echo /bin/busybox)

# The kernel: the package linux-image-amd64 depends on points at the real image.
if [ ! -d kernel ]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$pkg" ] || { apt-get update -qq >&2 || true;
        pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'); }
    [ -n "$pkg" ] || { echo "prepare.sh: cannot resolve linux-image-amd64" >&2; exit 1; }
    rm -rf dl && mkdir dl
    (cd dl && apt-get download "$pkg" >&2)
    rm -rf kernel.tmp && dpkg-deb -x dl/*.deb kernel.tmp && mv kernel.tmp kernel && rm -rf dl
fi
KVER=$(ls kernel/lib/modules | head -n 1)
cp "kernel/boot/vmlinuz-$KVER" vmlinuz
depmod -b kernel "$KVER"

# The initramfs: busybox, the modules in load order, and /init.
rm -rf initramfs && mkdir -p initramfs/bin initramfs/modules
cp "$BUSYBOX" initramfs/bin/busybox
: > initramfs/modules/order
for mod in virtio_pci 9pnet_virtio 9p vivid overlay bochs; do
    modprobe -d kernel -S "$KVER" --show-depends "$mod" | while read -r cmd path _; do
        [ "$cmd" = insmod ] || continue
        name=$(basename "$path")
        grep -qx "$name" initramfs/modules/order && continue
        cp "$path" "initramfs/modules/$name"
        echo "$name" >> initramfs/modules/order
    done
done
cp "$HERE/init" initramfs/init
chmod +x initramfs/init
(cd initramfs && find . | cpio -o -H newc --quiet | gzip -1) > initramfs.cpio.gz
rm -rf initramfs
mv key.new key.used
touch .complete
echo "$CACHE"
