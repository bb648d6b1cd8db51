set -x
cat /proc/cmdline > c00-cmdline.txt
cat /proc/iomem > c01-iomem.txt
ls -l /proc/vmcore > c03-ls-vmcore.txt
free > c07-free-start.txt
dd if=/proc/vmcore of=/share/vmcore.raw bs=1M 2> c10-raw-dd.txt
echo "raw rc=$?" >> c10-raw-dd.txt
time -v makedumpfile -l -d 31 /proc/vmcore /share/guest-mdf-l-d31.kdump > c30-makedumpfile-l-d31.txt 2>&1; echo "rc=$?" >> c30-makedumpfile-l-d31.txt
free > c39-free-before-java.txt
time -v /share/jre/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xmx40m -Xmn8m -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Djdk.nio.maxCachedBufferSize=1048576 -jar /share/pmemdump.jar makedumpfile -l -d 31 /proc/vmcore /share/guest-pmemdump-l-d31.kdump > c40-pmemdump-l-d31.txt 2>&1; echo "rc=$?" >> c40-pmemdump-l-d31.txt
dmesg > c51-dmesg.txt
