# capture kernel: a raw copy of /proc/vmcore (the host's checks and ground truth), upstream makedumpfile
# (the negative control), then the installed makedumpfile exactly as kdump-tools and as dracut's
# kdump run it. GNU time -v -o FILE measures each run (its ru_maxrss is the largest process of the
# command, pipelines included, in KiB; busybox's time -v prints that figure as if it were pages).
# Everything is written to the share, the dump target: the initramfs holds no output in RAM.
set -x
cat /proc/cmdline > c00-cmdline.txt
cat /proc/iomem > c01-iomem.txt
ls -l /proc/vmcore > c03-ls-vmcore.txt
cat /proc/meminfo > c05-meminfo-start.txt
dd if=/proc/vmcore of=/share/vmcore.raw bs=1M 2> c10-raw-dd.txt
echo "raw rc=$?" >> c10-raw-dd.txt
/usr/bin/time -v -o c20-upstream-l-d31.time /usr/bin/makedumpfile -l -d 31 /proc/vmcore /share/upstream-l-d31.kdump \
    > c20-upstream-l-d31.txt 2>&1
echo "rc=$?" >> c20-upstream-l-d31.txt
cat /proc/meminfo > c29-meminfo-before-pmemdump.txt

# Debian kdump-tools 1.8.1, kdump-config savecore (kdump_save_core), its own lines: PATH, then the
# defaults file (with the installed snippet appended, which puts PREFIX/sbin first), MAKEDUMP_ARGS'
# default and its -F; the dmesg first, then the vmcore through compress (cat when KDUMP_COMPRESSION
# is unset) into dump-incomplete, renamed when the pipeline succeeded. KDUMP_COREDIR is the share.
(
PATH=/bin:/usr/bin:/sbin:/usr/sbin
KDUMP_DEFAULTS=/etc/default/kdump-tools
[ -r $KDUMP_DEFAULTS ] && . $KDUMP_DEFAULTS
MAKEDUMP_ARGS=${MAKEDUMP_ARGS:="-F -c -d 31"}
[ "${MAKEDUMP_ARGS#-F*}" != "${MAKEDUMP_ARGS}" ] || MAKEDUMP_ARGS="${MAKEDUMP_ARGS} -F"
vmcore_file=/proc/vmcore
KDUMP_STAMP=$(date +"%Y%m%d%H%M")
KDUMP_STAMPDIR=/share/kdump-tools/$KDUMP_STAMP
KDUMP_CORETEMP="$KDUMP_STAMPDIR/dump-incomplete"
KDUMP_COREFILE="$KDUMP_STAMPDIR/dump.$KDUMP_STAMP"
KDUMP_DMESGFILE="$KDUMP_STAMPDIR/dmesg.$KDUMP_STAMP"
echo "PATH=$PATH MAKEDUMP_ARGS=$MAKEDUMP_ARGS makedumpfile=$(command -v makedumpfile)" > c30-kdump-tools-env.txt
mkdir -p "$KDUMP_STAMPDIR"
/usr/bin/time -v -o c31-kdump-tools-dmesg.time makedumpfile --dump-dmesg "$vmcore_file" "$KDUMP_DMESGFILE" \
    > c31-kdump-tools-dmesg.txt 2>&1
echo "rc=$?" >> c31-kdump-tools-dmesg.txt
export MAKEDUMP_ARGS vmcore_file KDUMP_CORETEMP
# shellcheck disable=SC2016
/usr/bin/time -v -o c32-kdump-tools-vmcore.time sh -c 'makedumpfile $MAKEDUMP_ARGS $vmcore_file | cat > "$KDUMP_CORETEMP"' \
    2> c32-kdump-tools-vmcore.txt
ERROR=$?
echo "rc=$ERROR" >> c32-kdump-tools-vmcore.txt
[ $ERROR -eq 0 ] && mv "$KDUMP_CORETEMP" "$KDUMP_COREFILE"
sync
)
cat /proc/meminfo > c39-meminfo-between.txt

# dracut's kdump (kdump-utils' 99kdumpbase, dump_fs): the image's PATH, where the pmemdump module
# made /usr/sbin/makedumpfile its launcher; core_collector from kdump.conf, -F removed for a file
# target; the vmcore to vmcore-incomplete, synced, then renamed.
(
PATH=/usr/sbin:/usr/bin:/sbin:/bin
while read -r config_opt config_val; do
    case "$config_opt" in core_collector) CORE_COLLECTOR="$config_val" ;; esac
done < /etc/kdump.conf
case $CORE_COLLECTOR in *makedumpfile*) CORE_COLLECTOR=$(echo "$CORE_COLLECTOR" | sed -e "s/-F//g") ;; esac
_dump_fs_path=$(echo "/share/dracut/var/crash/127.0.0.1-$(date +%Y-%m-%d-%T)/" | tr -s /)
echo "PATH=$PATH CORE_COLLECTOR=$CORE_COLLECTOR makedumpfile=$(command -v makedumpfile)" > c40-dracut-env.txt
mkdir -p "$_dump_fs_path"
# shellcheck disable=SC2086
/usr/bin/time -v -o c41-dracut-vmcore.time $CORE_COLLECTOR /proc/vmcore "$_dump_fs_path/vmcore-incomplete" \
    > c41-dracut-vmcore.txt 2>&1
_dump_exitcode=$?
echo "rc=$_dump_exitcode" >> c41-dracut-vmcore.txt
if [ $_dump_exitcode -eq 0 ]; then
    sync -f "$_dump_fs_path/vmcore-incomplete" && mv "$_dump_fs_path/vmcore-incomplete" "$_dump_fs_path/vmcore"
fi
)
cat /proc/meminfo > c50-meminfo-end.txt
dmesg > c51-dmesg.txt
