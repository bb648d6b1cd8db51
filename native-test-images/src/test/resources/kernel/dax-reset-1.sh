# First boot of the DAX durability test: real ndctl makes an fsdax namespace (pmem0) and a devdax
# namespace (dax0.1) in the NVDIMM; an ext4 (e2fsprogs, not busybox's ext2-only mke2fs) on pmem0 is mounted -o dax; pmemdump (a jlink runtime
# on the share) builds a region image on it and a second region on /dev/dax0.1, listing both.
# Then the guest is reset without unmounting or syncing anything (sysrq b).
set -e
mkdir -p out
ndctl create-namespace -r $region -m fsdax -s 128M > out/real-fsdax.json
ndctl create-namespace -r $region -m devdax -a 2M -s 64M > out/real-devdax.json
dax=$(device_of namespace0.1)
echo $dax > out/dax-device
cat /sys/bus/dax/devices/$dax/align > out/dax-align
/usr/bin/mke2fs -q -t ext4 -b 4096 -O ^metadata_csum -F /dev/pmem0
mkdir -p /mnt
mount -t ext4 -o dax /dev/pmem0 /mnt
grep " /mnt " /proc/mounts > out/mount
cd out
img=/mnt/region.img
sh ../pmemdump-batch \
    create-image create-image -s 96M $img + \
    init init-labels -v --image $img + \
    ns-fsdax create-namespace -v -m fsdax -s 16M --image $img + \
    ns-sector create-namespace -v -m sector -s 32M --image $img + \
    ns-devdax create-namespace -v -m devdax -s 16M --image $img + \
    list-file list -N --image $img + \
    dev-init init-labels -v --image /dev/$dax + \
    dev-fsdax create-namespace -v -m fsdax -s 16M --image /dev/$dax + \
    dev-raw create-namespace -v -m raw -s 16M --image /dev/$dax + \
    list-dev list -N --image /dev/$dax
cd ..
# What init would write after a clean exit; the 9p share is uncached, so these reach the host now.
echo 0 > rc
cut -d' ' -f1 /proc/uptime > uptime-end
echo b > /proc/sysrq-trigger
sleep 30
