# Second boot of the DAX durability test: after the reset, the same ext4 is mounted -o dax again
# (its journal replayed) and pmemdump lists both region images.
set -e
mkdir -p after
dax=$(cat out/dax-device)
mkdir -p /mnt
mount -t ext4 -o dax /dev/pmem0 /mnt
cd after
sh ../pmemdump-batch \
    list-file list -N --image /mnt/region.img + \
    list-dev list -N --image /dev/$dax
cd ..
umount /mnt
