# The kernel and real ndctl look at namespaces pmemdump built: what ndctl lists and reads from the
# labels, and per namespace the device, the data start and the sha256 of the first bytes read
# through the device (out/). Then writes each "NAMESPACE FILE" of guest-writes.txt through the
# namespace's device, for pmemdump to find in the image afterwards.
set -e
mkdir -p out
ndctl list -N -v > out/list-N-v.json
ndctl list -RDN > out/list-RDN.json
ndctl read-labels -j $dimm > out/read-labels.json
cat $nd/$region/resource > out/region-resource
record_namespaces $region $(cat data-length) > out/namespaces.txt
while read ns file; do
    write_dev $(device_of $ns) $file
done < guest-writes.txt
