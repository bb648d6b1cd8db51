# Real ndctl builds every personality on each NVDIMM: for plan/slotN (holding the label version),
# init-labels, then one create-namespace per line of namespaces.txt ("NAME OPTIONS..."), then
# writes data/slotN-NAME.bin at the start of the new namespace's device. Results in out/slotN/.
set -e
for p in plan/slot*; do
    s=${p#plan/slot}
    r=$(region_of_slot $s)
    d=$(dimm_of_slot $s)
    o=out/slot$s
    mkdir -p $o
    ndctl disable-region $r
    ndctl init-labels -f -V $(cat $p) $d
    ndctl enable-region $r
    while read name opts; do
        ndctl create-namespace -r $r $opts > $o/create-$name.json < /dev/null
        ns=$(json_field dev < $o/create-$name.json)
        write_dev $(device_of $ns) data/slot$s-$name.bin
        echo "$name $ns" >> $o/created.txt
    done < namespaces.txt
    cat $nd/$r/resource > $o/region-resource
    ndctl list -N -v -r $r > $o/list-N-v.json
    ndctl read-labels -j $d > $o/read-labels.json
    ndctl read-labels $d -o $o/labels.bin
    record_namespaces $r $(cat data-length) > $o/namespaces.txt
done
