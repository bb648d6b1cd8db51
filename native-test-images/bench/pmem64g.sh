#!/usr/bin/env bash
# Benchmark: build a scenario with 64 GiB of pmem (1 GiB RAM) and report wall time, apparent
# sizes and the disk really used. Usage: native-test-images/bench/pmem64g.sh [OUTDIR]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d /tmp/pmem64g.XXXXXX)}"
start=$(date +%s.%N)
"$repo/bin/pmemdump" image build --scenario "$here/pmem64g-scenario.json" --out "$out"
end=$(date +%s.%N)
echo "build time: $(echo "$end - $start" | bc) s"
echo "file                apparent-bytes   disk-bytes"
for f in "$out"/*; do
    printf '%-18s %16d %12d\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(( $(stat -c %b "$f") * $(stat -c %B "$f") ))"
done
echo "total disk used: $(du -sh "$out" | cut -f1) in $out"
