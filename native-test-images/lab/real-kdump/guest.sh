# first kernel: namespaces in the hard layouts, known data, stock-kernel kexec load with pmem relabelled, crash
nd=/sys/bus/nd/devices
. /share/lab.env
cat /proc/iomem > 01-iomem-boot.txt
ndctl disable-region region0
ndctl init-labels -f -V 1.2 nmem0
ndctl enable-region region0
ndctl create-namespace -r region0 -m fsdax --map=dev -s 128M -n fsdax-dev > 10-ns.json
ndctl create-namespace -r region0 -m fsdax --map=mem -s 64M -n fsdax-mem > 11-ns.json
ndctl create-namespace -r region0 -m raw -s 32M -n raw > 12-ns.json
ndctl create-namespace -r region0 -m devdax --map=dev -s 128M -n devdax > 13-ns.json
# the second NVDIMM: labels v1.1 (128-byte labels, the format before UEFI 2.7)
ndctl disable-region region1
ndctl init-labels -f -V 1.1 nmem1
ndctl enable-region region1
ndctl create-namespace -r region1 -m fsdax --map=dev -s 64M -n v11-dev > 14-ns.json
ndctl list -N -v > 30-list-N-v.json
ndctl list -RDN > 31-list-RDN.json
ndctl read-labels -j nmem0 > 32-read-labels.json
ndctl read-labels -j nmem1 > 33-read-labels-nmem1.json
for n in $(cd $nd && ls -d region*/namespace*.* | sed 's|.*/||'); do
  [ "$(cat $nd/$n/size)" = 0 ] && continue
  j=$(ndctl list -n $n); name=$(echo "$j" | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')
  dev=$(echo "$j" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p'); [ -n "$dev" ] || dev=$(echo "$j" | sed -n 's/.*"chardev":"\([^"]*\)".*/\1/p')
  case $dev in
    dax*) daxio -i /share/pattern-$name -o /dev/$dev -l 1048576 ;;
    *) dd if=/share/pattern-$name of=/dev/$dev bs=65536 conv=fsync 2>/dev/null ;;
  esac
  echo "$n $name $dev $(cat $nd/$n/resource) $(cat $nd/$n/size) holder=$(cat $nd/$n/holder)" >> 20-nstable.txt
done
for h in $(cd $nd && ls -d pfn*.* dax*.* 2>/dev/null); do
  [ -e $nd/$h/resource ] && echo "$h $(cat $nd/$h/resource 2>/dev/null) $(cat $nd/$h/size 2>/dev/null) align=$(cat $nd/$h/align 2>/dev/null) mode=$(cat $nd/$h/mode 2>/dev/null) ns=$(cat $nd/$h/namespace 2>/dev/null)" >> 21-holders.txt
done
cat /proc/iomem > 40-iomem.txt
# the stock-kernel path: pmemdump runs kexec_load in a private mount namespace over a relabelled
# copy of /proc/iomem; the check after it shows the global /proc/iomem unchanged
# (the installed command, from this initramfs)
"$PREFIX/bin/pmemdump" loadplan kexec-load --unshare /bin/unshare --kexec /usr/bin/kexec --iomem /proc/iomem -- \
    -d -p /share/vmlinuz --initrd=/share/capture.cpio.zst \
    --append="console=ttyS0 panic=-1 loglevel=4 irqpoll nr_cpus=1 reset_devices swiotlb=noforce rootfstype=ramfs" > 50-kexec-load.txt 2>&1
echo "kexec-load rc=$?" >> 50-kexec-load.txt
cat /proc/iomem > 47-iomem-after-load.txt
cat /sys/kernel/kexec_crash_loaded > 48-crash-loaded.txt
sync
echo c > /proc/sysrq-trigger
