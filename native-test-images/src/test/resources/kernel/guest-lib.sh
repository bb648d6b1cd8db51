# Helpers for guest scripts (busybox ash), run with the 9p share as working directory.
set -u
nd=/sys/bus/nd/devices

# The test machine's one NVDIMM and its region.
dimm=nmem0
region=region0

# Value of key $1 in ndctl's JSON on stdin (the first one; ndctl prints one key per line).
json_field() {
    sed -n "s/^ *\"$1\":\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" | head -n 1
}

# The /dev node of namespace $1: its block device, or for devdax its character device.
device_of() {
    j=$(ndctl list -n $1)
    dev=$(echo "$j" | json_field blockdev)
    [ -n "$dev" ] || dev=$(echo "$j" | json_field chardev)
    echo $dev
}

# Physical address where namespace $1's data starts: the data area its pfn or dax info block
# describes, the namespace itself when raw, "-" under a BTT (whose data is not contiguous).
data_start() {
    h=$(cat $nd/$1/holder)
    case "$h" in
        "") cat $nd/$1/resource ;;
        btt*) echo - ;;
        *) cat $nd/$h/resource ;;
    esac
}

# Writes file $2 at the start of /dev/$1; device-dax through daxio, block devices through dd.
write_dev() {
    case "$1" in
        dax*) daxio -i "$2" -o /dev/$1 -l $(wc -c < "$2") ;;
        *) dd if="$2" of=/dev/$1 bs=65536 conv=fsync 2>&1 ;;
    esac < /dev/null
}

# Prints the first $2 bytes of /dev/$1 ($2 a multiple of 64 KiB).
read_dev() {
    case "$1" in
        dax*) daxio -i /dev/$1 -l $2 ;;
        *) dd if=/dev/$1 bs=65536 count=$(($2 / 65536)) 2>/dev/null ;;
    esac < /dev/null
}

# One line per namespace of region $1 that has a size: name, mode, device, namespace start,
# data start (physical addresses) and the sha256 of the device's first $2 bytes.
record_namespaces() {
    for n in $(cd $nd/$1 && ls -d namespace*.*); do
        if [ "$(cat $nd/$n/size)" = 0 ]; then continue; fi
        dev=$(device_of $n)
        mode=$(ndctl list -n $n | json_field mode)
        sha=$(read_dev $dev $2 | sha256sum | cut -d' ' -f1)
        echo "$n $mode $dev $(cat $nd/$n/resource) $(data_start $n) $sha"
    done
}
