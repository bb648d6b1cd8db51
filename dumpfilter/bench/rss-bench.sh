#!/usr/bin/env bash
# Peak RSS and wall time of `pmemdump makedumpfile` against makedumpfile 1.7.2 on the same input, both
# measured by /usr/bin/time (maximum resident set size, wall clock), one run each, back to back, with
# the vmcore's page cache dropped before each run (posix_fadvise DONTNEED on that file only) so neither
# tool reads what the other left cached. pmemdump runs through bin/pmemdump, so with the launcher's JVM
# flags (PMEMDUMP_JVM_OPTS adds to them). The last column says whether the two dumps are identical.
# Usage: dumpfilter/bench/rss-bench.sh [VMCORE]
#   VMCORE  default: the 6.1 fixture, unpacked to target/bench/ on first use
#   RUNS="-l -d 31|-c -d 31|-E -d 31"  the option sets, separated by |
#   OUT=DIR  where the dumps go (default: a temporary directory, deleted at the end)
#   MIXED_GIB=N  instead of VMCORE, N GiB of RAM whose every 16 MiB chunk mixes free and kept pages (the
#             worst case for per-pfn state), written sparse to target/bench/mixed-Ng.core on first use
#             (36 KiB of disk per 16 MiB of RAM) by the tests' MixedRamVmcore, run as a source file
#   PMEMDUMP=CMD  the pmemdump command to measure (default: bin/pmemdump; e.g. an installed DIR/bin/pmemdump)
#   MAKEDUMPFILE=0  measure pmemdump alone
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
vmcore="${1:-}"
pmemdump="${PMEMDUMP:-$here/bin/pmemdump}"
if [ -n "${MIXED_GIB:-}" ]; then
    vmcore="$here/target/bench/mixed-${MIXED_GIB}g.core"
    if [ ! -f "$vmcore" ]; then
        mkdir -p "$(dirname "$vmcore")"
        "${JAVA_HOME:+$JAVA_HOME/bin/}java" \
            "$here/dumpfilter/src/test/java/dev/pmemdump/filter/run/MixedRamVmcore.java" "$vmcore" "$MIXED_GIB"
    fi
elif [ -z "$vmcore" ]; then
    vmcore="$here/target/bench/vmcore.raw"
    if [ ! -f "$vmcore" ]; then
        mkdir -p "$(dirname "$vmcore")"
        zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$vmcore"
    fi
fi
out="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/rss-bench.XXXXXX")}"
mkdir -p "$out"
[ -n "${OUT:-}" ] || trap 'rm -rf "$out"' EXIT
"$pmemdump" --version >/dev/null 2>&1   # builds the jar if needed, outside the figures

evict() { python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$vmcore"; }
measure() {  # COMMAND... -> "WALL_SECONDS MAX_RSS_KIB" from /usr/bin/time -v
    evict
    if ! /usr/bin/time -v -o "$out/time" "$@" >"$out/log" 2>&1; then
        echo "failed: $*" >&2
        tail -n 3 "$out/log" >&2
        exit 1
    fi
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
                /Maximum resident set size/ { rss = $2 } END { print s, rss }' "$out/time"
}

echo "input: $vmcore ($(du -h --apparent-size "$vmcore" | cut -f1) apparent, $(du -h "$vmcore" | cut -f1) on disk)"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
printf '%-12s | %14s %10s | %14s %10s | %s\n' options "makedumpfile" "" "pmemdump" "" "dumps"
printf '%-12s | %14s %10s | %14s %10s |\n' "" "peak RSS MiB" "wall s" "peak RSS MiB" "wall s"
IFS='|' read -ra runs <<< "${RUNS:--l -d 31|-c -d 31|-E -d 31}"
for opts in "${runs[@]}"; do
    rm -f "$out/dump.m" "$out/dump.p"
    mw=0 mr=0 same=-
    if [ "${MAKEDUMPFILE:-1}" != 0 ]; then
        # shellcheck disable=SC2086
        read -r mw mr < <(measure makedumpfile $opts "$vmcore" "$out/dump.m")
    fi
    # shellcheck disable=SC2086
    read -r pw pr < <(measure "$pmemdump" makedumpfile $opts "$vmcore" "$out/dump.p")
    if [ "${MAKEDUMPFILE:-1}" != 0 ]; then
        same=$(cmp -s "$out/dump.m" "$out/dump.p" && echo identical || echo differ)
    fi
    printf '%-12s | %14.1f %10.2f | %14.1f %10.2f | %s\n' "$opts" "$(echo "$mr / 1024" | bc -l)" "$mw" \
        "$(echo "$pr / 1024" | bc -l)" "$pw" "$same"
done
