#!/usr/bin/env bash
# run.sh WORKDIR [JAR]
# A real kdump of Debian's kernel under QEMU (TCG) with pmem in the vmcore through the stock-kernel
# path, in the layouts that break naive tools: an NVDIMM of 512 MiB with 128 KiB of labels (region
# end not 2 MiB aligned), labels v1.2, fsdax --map=dev, fsdax --map=mem (its struct pages scattered
# over RAM in 4 KiB pages), a raw namespace in the same 128 MiB section (half-populated vmemmap) and
# devdax --map=dev. The first kernel (guest.sh) writes known lines into each namespace, loads the
# capture kernel with `pmemdump loadplan kexec-load` (kexec_load in a private mount namespace over a
# copy of /proc/iomem with "Persistent Memory" relabelled "System RAM"; no PF_DEV: stock
# kexec-tools; pmemdump.pmem= on the capture command line), and crashes; the
# capture kernel (capture.sh) copies /proc/vmcore and runs makedumpfile and pmemdump on it.
# crashkernel=256M: at 192M the capture kernel's OOM killer ended the filter's JVM (runtime and jar
# on the 9p share, whose mapped pages count against the small capture memory).
# Leaves in WORKDIR/share: first-kernel and capture-kernel records, vmcore.raw, the dumps.
# Needs qemu-system-x86, linux-image-amd64, busybox-static, ndctl, daxctl, pmdk-tools, kexec-tools,
# makedumpfile, cpio, zstd and a JDK >= 22 (jlink). About 4 minutes on 2 loaded cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mkdir -p "$1" && cd "$1" && pwd); jar=${2:-$here/../../../cli/target/pmemdump.jar}
K=$(ls /lib/modules | sort -V | tail -n 1)
share=$work/share; mkdir -p "$share"
jlink=${JAVA_HOME:+$JAVA_HOME/bin/jlink}
[ -x "${jlink:-}" ] || jlink=$(ls /usr/lib/jvm/*/bin/jlink | sort -V | tail -n 1)
rm -rf "$share/jre"
"$jlink" --add-modules java.base,jdk.unsupported --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$share/jre"
"$here/build-initramfs.sh" "$work/first.cpio" first "$K" "$share/jre"
"$here/build-initramfs.sh" "$work/capture.cpio" capture "$K" "$share/jre"
zstd -q -f -19 "$work/capture.cpio" -o "$share/capture.cpio.zst"
cp "/boot/vmlinuz-$K" "$share/vmlinuz"
cp "$here/guest.sh" "$here/capture.sh" "$share/"
cp "$jar" "$share/pmemdump.jar"
for n in fsdax-dev fsdax-mem raw devdax; do
    awk -v n="$n" 'BEGIN { for (i = 0; i < 16384; i++) printf "%-63s\n", sprintf("PMEM-FIXTURE %s line %08d", n, i) }' > "$share/pattern-$n"
done
rm -f "$work/nvdimm.img"; truncate -s 512M "$work/nvdimm.img"
start=$(date +%s)
timeout 1800 qemu-system-x86_64 -machine pc,nvdimm=on,accel=tcg -smp 1 -m 768M,slots=1,maxmem=2G \
    -display none -monitor none -serial "file:$work/console.log" -no-reboot -net none \
    -kernel "/boot/vmlinuz-$K" -initrd "$work/first.cpio" \
    -append "console=ttyS0 panic=-1 loglevel=6 crashkernel=256M" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none,id=share" \
    -object "memory-backend-file,id=mem0,share=on,mem-path=$work/nvdimm.img,size=536870912" \
    -device nvdimm,id=nvdimm0,memdev=mem0,label-size=131072,slot=0 < /dev/null > "$work/qemu.log" 2>&1
echo "qemu wall seconds: $(( $(date +%s) - start ))" | tee "$work/qemu.time"
