#!/usr/bin/env bash
# build-initramfs.sh OUT.cpio first|capture KERNEL_RELEASE [JRE_DIR]
# The lab's initramfs: busybox, the nvdimm and 9p modules (with what modprobe says they need) and
# this directory's /init; "first" adds ndctl, daxctl, daxio and kexec, "capture" makedumpfile. The
# capture kernel runs pmemdump's runtime from the 9p share, which keeps the initramfs small enough
# to unpack inside crashkernel=192M.
set -euo pipefail
out=$1; kind=$2; K=$3; jre=${4:-}
here="$(cd "$(dirname "$0")" && pwd)"
st=$(mktemp -d); trap 'rm -rf "$st"' EXIT
mkdir -p "$st"/{bin,usr/bin,dev,proc,sys,share,tmp,etc,lib/modules,mnt}
cp "$(command -v busybox)" "$st/bin/busybox"
case $kind in
    first) progs="ndctl daxctl daxio kexec" ;;
    capture) progs="makedumpfile" ;;
    *) echo "build-initramfs.sh: kind must be first or capture" >&2; exit 2 ;;
esac
libs=""
for p in $progs; do
    f=$(command -v "$p"); cp "$f" "$st/usr/bin/"
    libs="$libs $(ldd "$f" | grep -o '/[^ ]*' | sort -u)"
done
# the shared libraries of the runtime on the share
[ -n "$jre" ] && libs="$libs $(ldd "$jre/bin/java" "$jre"/lib/*.so "$jre"/lib/server/*.so 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$jre/" | sort -u)"
for l in $(echo $libs | tr ' ' '\n' | sort -u); do mkdir -p "$st$(dirname "$l")"; cp -L "$l" "$st$l"; done
# ndctl's modprobe.d rule replaces libnvdimm's insmod line by an "install" command: name it ourselves.
for m in virtio_pci 9pnet_virtio 9p libnvdimm nd_btt nd_pmem device_dax dax_pmem nfit; do
    modprobe -S "$K" --show-depends "$m" | while read -r kw a _; do
        case $kw in insmod) echo "$a" ;; install) modinfo -k "$K" -n libnvdimm ;; esac
    done
done | awk '!seen[$0]++' | while read -r ko; do
    cp "$ko" "$st/lib/modules/"; echo "/lib/modules/$(basename "$ko")" >> "$st/etc/modules"
done
install -m 755 "$here/init" "$st/init"
(cd "$st" && find . | cpio -o -H newc --quiet) > "$out"
