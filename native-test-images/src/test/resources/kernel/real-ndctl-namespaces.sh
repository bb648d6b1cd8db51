# Real ndctl builds every personality on the NVDIMM: init-labels with the label version in
# label-version, one create-namespace per line of namespaces.txt ("NAME OPTIONS..."), each followed
# by writing data/NAME.bin at the start of the new namespace's device. Results in out/.
set -e
mkdir -p out
ndctl disable-region $region
ndctl init-labels -f -V $(cat label-version) $dimm
ndctl enable-region $region
while read name opts; do
    ndctl create-namespace -r $region $opts > out/create-$name.json < /dev/null
    ns=$(json_field dev < out/create-$name.json)
    write_dev $(device_of $ns) data/$name.bin
    echo "$name $ns" >> out/created.txt
done < namespaces.txt
cat $nd/$region/resource > out/region-resource
ndctl list -N -v > out/list-N-v.json
ndctl read-labels -j $dimm > out/read-labels.json
ndctl read-labels $dimm -o out/labels.bin
record_namespaces $region $(cat data-length) > out/namespaces.txt
