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
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
vmcore="${1:-}"
if [ -z "$vmcore" ]; then
    vmcore="$here/target/bench/vmcore.raw"
    if [ ! -f "$vmcore" ]; then
        mkdir -p "$(dirname "$vmcore")"
        zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$vmcore"
    fi
fi
out="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/rss-bench.XXXXXX")}"
mkdir -p "$out"
[ -n "${OUT:-}" ] || trap 'rm -rf "$out"' EXIT
"$here/bin/pmemdump" --version >/dev/null 2>&1   # builds the jar if needed, outside the figures

evict() { python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$vmcore"; }
measure() {  # COMMAND... -> "WALL_SECONDS MAX_RSS_KIB"
    evict
    if ! /usr/bin/time -f '%e %M' -o "$out/time" "$@" >"$out/log" 2>&1; then
        echo "failed: $*" >&2
        tail -n 3 "$out/log" >&2
        exit 1
    fi
    cat "$out/time"
}

echo "input: $vmcore ($(du -h --apparent-size "$vmcore" | cut -f1) apparent, $(du -h "$vmcore" | cut -f1) on disk)"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
printf '%-12s | %14s %10s | %14s %10s | %s\n' options "makedumpfile" "" "pmemdump" "" "dumps"
printf '%-12s | %14s %10s | %14s %10s |\n' "" "peak RSS MiB" "wall s" "peak RSS MiB" "wall s"
IFS='|' read -ra runs <<< "${RUNS:--l -d 31|-c -d 31|-E -d 31}"
for opts in "${runs[@]}"; do
    rm -f "$out/dump.m" "$out/dump.p"
    # shellcheck disable=SC2086
    read -r mw mr < <(measure makedumpfile $opts "$vmcore" "$out/dump.m")
    # shellcheck disable=SC2086
    read -r pw pr < <(measure "$here/bin/pmemdump" makedumpfile $opts "$vmcore" "$out/dump.p")
    same=$(cmp -s "$out/dump.m" "$out/dump.p" && echo identical || echo differ)
    printf '%-12s | %14.1f %10.2f | %14.1f %10.2f | %s\n' "$opts" "$(echo "$mr / 1024" | bc -l)" "$mw" \
        "$(echo "$pr / 1024" | bc -l)" "$pw" "$same"
done
