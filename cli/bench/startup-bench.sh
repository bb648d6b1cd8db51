#!/usr/bin/env bash
# Start-up of the installed commands and the whole filter run on the real 6.1 vmcore, against
# makedumpfile 1.7.2: each case run RUNS times, the two tools alternately, page cache warm; medians
# of wall time (ms), CPU time (user + sys) and peak RSS (/usr/bin/time).
# Usage: cli/bench/startup-bench.sh PREFIX [RUNS]    (PREFIX: a tree made by scripts/install)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
prefix="${1:?usage: startup-bench.sh PREFIX [RUNS]}"
runs="${2:-5}"
[ -x "$prefix/sbin/makedumpfile" ] || { echo "startup-bench: $prefix/sbin/makedumpfile missing (scripts/install --prefix $prefix)" >&2; exit 2; }
command -v makedumpfile >/dev/null && [ -x /usr/bin/time ] || { echo "startup-bench: needs makedumpfile and /usr/bin/time" >&2; exit 2; }
vmcore="$here/target/bench/vmcore.raw"
if [ ! -f "$vmcore" ]; then
    mkdir -p "$(dirname "$vmcore")"
    zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$vmcore"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

once() {  # prints "WALL_MS CPU_S RSS_KIB" of one run of "$@"
    local s e
    rm -f "$out"/dump
    s=$(date +%s%N)
    /usr/bin/time -f "%U %S %M" -o "$out/time" "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    awk -v w=$(( (e - s) / 1000000 )) '{printf "%d %.2f %d\n", w, $1 + $2, $3}' "$out/time"
}
median() {  # column $1 of file $2
    sort -n -k"$1","$1" "$2" | awk -v c="$1" '{v[NR] = $c} END {print v[int((NR + 1) / 2)]}'
}
row() {  # LABEL then the command for makedumpfile 1.7.2 ("-" for none), "--", then ours
    local label="$1" theirs=() ours=()
    shift
    while [ "$1" != "--" ]; do theirs+=("$1"); shift; done
    shift
    ours=("$@")
    : > "$out/m"; : > "$out/p"
    for _ in $(seq "$runs"); do
        [ "${theirs[0]}" = - ] || once "${theirs[@]}" >> "$out/m"
        once "${ours[@]}" >> "$out/p"
    done
    local pw pc pr
    pw=$(median 1 "$out/p"); pc=$(median 2 "$out/p"); pr=$(median 3 "$out/p")
    if [ "${theirs[0]}" = - ]; then
        printf '%-22s %9s %8s %9s   %9s %8s %9s %7s\n' "$label" - - - "$pw" "$pc" "$pr" -
    else
        local mw mc mr
        mw=$(median 1 "$out/m"); mc=$(median 2 "$out/m"); mr=$(median 3 "$out/m")
        printf '%-22s %9s %8s %9s   %9s %8s %9s %7.2f\n' "$label" "$mw" "$mc" "$mr" "$pw" "$pc" "$pr" \
            "$(echo "$pw / ($mw + 0.0001)" | bc -l)"
    fi
}

echo "$(date -u +%Y-%m-%d) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, medians"
printf '%-22s %9s %8s %9s   %9s %8s %9s %7s\n' "" "mdf ms" "mdf cpu" "mdf KiB" "ours ms" "cpu s" "KiB" "ratio"
row "pmemdump --version" - -- "$prefix/bin/pmemdump" --version
row "makedumpfile -v" makedumpfile -v -- "$prefix/sbin/makedumpfile" -v
for f in -l -c -E; do
    row "vmcore $f -d 31" makedumpfile "$f" -d 31 "$vmcore" "$out/dump" -- \
        "$prefix/sbin/makedumpfile" "$f" -d 31 "$vmcore" "$out/dump"
done
