#!/usr/bin/env bash
# Wall time of pmemdump makedumpfile against makedumpfile 1.7.2 on the same input, same -d and
# format, run back to back (best of N runs each; the pmemdump figure includes JVM start-up).
# Usage: dumpfilter/bench/bench.sh [VMCORE] [RUNS]
# Default VMCORE: the 6.1 fixture, unpacked to target/ on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
vmcore="${1:-}"
runs="${2:-3}"
if [ -z "$vmcore" ]; then
    vmcore="$here/target/bench/vmcore.raw"
    if [ ! -f "$vmcore" ]; then
        mkdir -p "$(dirname "$vmcore")"
        zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$vmcore"
    fi
fi
"$here/bin/pmemdump" --version >/dev/null 2>&1   # build the tool if needed, outside the timings
# The jar directly: bin/pmemdump's JDK search costs about a second per start, which is not the tool.
java="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -n1)}"
pmemdump() { "$java" --enable-native-access=ALL-UNNAMED -jar "$here/cli/target/pmemdump.jar" "$@"; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

best_once() {
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    echo "$e - $s" | bc
}

best() {  # best wall time in seconds of "$@" over $runs runs
    local b="" t s e
    for _ in $(seq "$runs"); do
        rm -f "$out"/dump*
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}

printf 'JVM start-up alone (pmemdump --version): %.3fs\n' "$(best_once pmemdump --version)"
printf '%-14s %12s %12s %8s %14s %14s\n' "options" "makedumpfile" "pmemdump" "ratio" "size mdf" "size ours"
for opts in "-l -d 31" "-c -d 31" "-E -d 31" "-E -d 1" "-l -d 31 --num-threads 2"; do
    # shellcheck disable=SC2086
    m=$(best makedumpfile $opts "$vmcore" "$out/dump.m")
    rm -f "$out"/dump*
    makedumpfile $opts "$vmcore" "$out/dump.m" >/dev/null 2>&1
    sm=$(stat -c %s "$out/dump.m")
    # shellcheck disable=SC2086
    p=$(best pmemdump makedumpfile $opts "$vmcore" "$out/dump.p")
    pmemdump makedumpfile $opts "$vmcore" "$out/dump.p" >/dev/null 2>&1
    sp=$(stat -c %s "$out/dump.p")
    printf '%-14s %11.3fs %11.3fs %8.2f %14d %14d\n' "$opts" "$m" "$p" "$(echo "$p / $m" | bc -l)" "$sm" "$sp"
done
