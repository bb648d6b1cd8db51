#!/usr/bin/env bash
# build-initramfs.sh OUT.cpio first|capture KERNEL_RELEASE PREFIX
# The lab's initramfs: busybox, the nvdimm and 9p modules (with what modprobe says they need), this
# directory's /init and pmemdump as `scripts/install --prefix PREFIX` installed it, put in by the
# shipped dracut module (its install(), with dracut's two install helpers done here by cp): the tree
# at its own path without the AOT cache, the system libraries of its runtime, and /usr/sbin/makedumpfile
# naming the installed launcher. "first" adds ndctl, daxctl, daxio, kexec and PREFIX/bin/pmemdump
# (for `pmemdump loadplan kexec-load`); "capture" adds upstream makedumpfile (/usr/bin, as Debian
# has it: the negative control), GNU time (busybox's time -v misreports ru_maxrss), the kdump-tools
# defaults file with the installed snippet and a dracut kdump.conf. Nothing in the capture kernel
# runs from the 9p share: it only receives the records and the dumps, as a dump disk would.
set -euo pipefail
out=$1; kind=$2; K=$3; prefix=$4
here="$(cd "$(dirname "$0")" && pwd)"
st=$(mktemp -d); trap 'rm -rf "$st"' EXIT
mkdir -p "$st"/{bin,usr/bin,usr/sbin,dev,proc,sys,share,tmp,etc/default,lib/modules,mnt}
cp "$(command -v busybox)" "$st/bin/busybox"
case $kind in
    first) progs="ndctl daxctl daxio kexec" ;;
    capture) progs="makedumpfile /usr/bin/time" ;;
    *) echo "build-initramfs.sh: kind must be first or capture" >&2; exit 2 ;;
esac
copy_lib() { mkdir -p "$st$(dirname "$1")"; cp -L "$1" "$st$1"; }

# pmemdump, as the dracut module installs it into a kdump image
initdir=$st
inst_simple() { mkdir -p "$initdir$(dirname "$1")"; cp -a "$1" "$initdir$1"; }
inst_library() { copy_lib "$1"; }
# shellcheck disable=SC1091
. "$prefix/share/pmemdump/dracut/99pmemdump/module-setup.sh"
rc=0; check || rc=$?
[ "$rc" = 255 ] || { echo "build-initramfs.sh: the dracut module's check() refuses $prefix" >&2; exit 1; }
install
case $kind in
    first) inst_simple "$prefix/bin/pmemdump" ;;
    capture)
        # kdump-tools: the administrator appends the installed snippet to /etc/default/kdump-tools
        cp "$prefix/share/pmemdump/kdump-tools/kdump-tools.pmemdump" "$st/etc/default/kdump-tools"
        # dracut kdump: the kdump.conf line the README documents
        echo "core_collector makedumpfile -l --message-level 7 -d 31" > "$st/etc/kdump.conf" ;;
esac
# after the module, which removes every other makedumpfile from the image: upstream's stays in
# /usr/bin as on Debian, behind PREFIX/sbin in kdump-tools' PATH and /usr/sbin in dracut's
for p in $progs; do
    f=$(command -v "$p"); cp "$f" "$st/usr/bin/"
    for l in $(ldd "$f" | grep -o '/[^ ]*' | sort -u); do copy_lib "$l"; done
done

# ndctl's modprobe.d rule replaces libnvdimm's insmod line by an "install" command: name it ourselves.
for m in virtio_pci 9pnet_virtio 9p libnvdimm nd_btt nd_pmem device_dax dax_pmem nfit; do
    modprobe -S "$K" --show-depends "$m" | while read -r kw a _; do
        case $kw in insmod) echo "$a" ;; install) modinfo -k "$K" -n libnvdimm ;; esac
    done
done | awk '!seen[$0]++' | while read -r ko; do
    cp "$ko" "$st/lib/modules/"; echo "/lib/modules/$(basename "$ko")" >> "$st/etc/modules"
done
cp "$here/init" "$st/init"; chmod 755 "$st/init"  # (install is the module's function now)
(cd "$st" && find . | cpio -o -H newc --quiet) > "$out"
