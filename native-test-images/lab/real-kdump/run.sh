#!/usr/bin/env bash
# run.sh WORKDIR PREFIX [CRASHKERNEL]
# A real kdump of Debian's kernel under QEMU (TCG) with pmem in the vmcore through the stock-kernel
# path, in the layouts that break naive tools: an NVDIMM of 512 MiB with 128 KiB of labels (region
# end not 2 MiB aligned), labels v1.2, fsdax --map=dev, fsdax --map=mem (its struct pages scattered
# over RAM in 4 KiB pages), a raw namespace in the same 128 MiB section (half-populated vmemmap) and
# devdax --map=dev; and a second NVDIMM of 256 MiB with labels v1.1 and an fsdax --map=dev namespace
# (placed at 4.5 GiB: QEMU would put it right after the first one's 512M-128K, where the kernel
# refuses namespaces as misaligned to the region's 16 MiB).
# The first kernel (guest.sh) writes known lines into each namespace, loads the capture kernel with
# the installed `pmemdump loadplan kexec-load` (kexec_load in a private mount namespace over a copy
# of /proc/iomem with "Persistent Memory" relabelled "System RAM"; no PF_DEV: stock kexec-tools;
# pmemdump.pmem= on the capture command line), and crashes; the capture kernel (capture.sh) copies
# /proc/vmcore and runs the installed makedumpfile as kdump-tools and as dracut's kdump run it, and
# upstream makedumpfile. PREFIX is a tree made by `scripts/install --prefix PREFIX`; both initramfs
# carry it (build-initramfs.sh), nothing of pmemdump is run from the share.
# Leaves in WORKDIR/share: first-kernel and capture-kernel records, vmcore.raw, the dumps; in
# WORKDIR the NVDIMM images (the media: label areas at their ends) and the initramfs sizes.
# Needs qemu-system-x86, linux-image-amd64, busybox-static, ndctl, daxctl, pmdk-tools, kexec-tools,
# makedumpfile, time, cpio and zstd. About 2.5 to 5.5 minutes on 2 loaded cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mkdir -p "$1" && cd "$1" && pwd); prefix=$(cd "$2" && pwd); crashkernel=${3:-192M}
K=$(ls /lib/modules | sort -V | tail -n 1)
share=$work/share; mkdir -p "$share"
"$here/build-initramfs.sh" "$work/first.cpio" first "$K" "$prefix"
"$here/build-initramfs.sh" "$work/capture.cpio" capture "$K" "$prefix"
zstd -q -f -10 -T0 "$work/capture.cpio" -o "$share/capture.cpio.zst"
echo "capture initramfs: $(stat -c %s "$work/capture.cpio") bytes unpacked, $(stat -c %s "$share/capture.cpio.zst") zstd -10" \
    > "$work/initramfs-sizes.txt"
cp "/boot/vmlinuz-$K" "$share/vmlinuz"
cp "$here/guest.sh" "$here/capture.sh" "$share/"
echo "PREFIX=$prefix" > "$share/lab.env"
for n in fsdax-dev fsdax-mem raw devdax v11-dev; do
    awk -v n="$n" 'BEGIN { for (i = 0; i < 16384; i++) printf "%-63s\n", sprintf("PMEM-FIXTURE %s line %08d", n, i) }' > "$share/pattern-$n"
done
rm -f "$work/nvdimm.img" "$work/nvdimm1.img"
truncate -s 512M "$work/nvdimm.img"; truncate -s 256M "$work/nvdimm1.img"
start=$(date +%s)
timeout 1800 qemu-system-x86_64 -machine pc,nvdimm=on,accel=tcg -smp 1 -m 768M,slots=2,maxmem=2G \
    -display none -monitor none -serial "file:$work/console.log" -no-reboot -net none \
    -kernel "/boot/vmlinuz-$K" -initrd "$work/first.cpio" \
    -append "console=ttyS0 panic=-1 loglevel=6 crashkernel=$crashkernel" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none,id=share" \
    -object "memory-backend-file,id=mem0,share=on,mem-path=$work/nvdimm.img,size=536870912" \
    -device nvdimm,id=nvdimm0,memdev=mem0,label-size=131072,slot=0 \
    -object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm1.img,size=268435456" \
    -device nvdimm,id=nvdimm1,memdev=mem1,label-size=131072,slot=1,addr=0x120000000 < /dev/null > "$work/qemu.log" 2>&1
echo "qemu wall seconds: $(( $(date +%s) - start ))" | tee "$work/qemu.time"
