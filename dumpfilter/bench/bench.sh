#!/usr/bin/env bash
# Wall time of the INSTALLED `makedumpfile` of pmemdump (start-up included, the shipped JVM flags)
# against makedumpfile 1.7.2 on the same input and options, run alternately (makedumpfile, then
# pmemdump, RUNS pairs), on the real 6.1 vmcore (322 MB) and on a built scenario with 8 GiB of RAM.
# Prints per row the median wall time and median CPU (user + system) of each tool and the ratio of
# the medians; a --num-threads row is also divided by single-threaded makedumpfile. The page cache
# is warm (each input is read once before its rows); outputs are deleted after each run.
#
# Usage: dumpfilter/bench/bench.sh [--runs N] [--prefix DIR] [--work DIR] [--only fixture|ram8g]
#   --prefix  installed tree to time (default WORK/install, made with scripts/install if missing)
#   --work    where the inputs are unpacked and built (default target/bench; the 8 GiB scenario
#             needs about 15 GiB, its vmcore 5.7 GiB on disk, and -E writes 7.5 GiB per run)
# PMEMDUMP_JVM_OPTS is passed through to the launcher (to time other JVM flags); ROWS="-l -d 31;-c -d 31"
# times only those option sets (a --num-threads row also needs its single-threaded row).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
runs=3 prefix="" work="$here/target/bench" only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --prefix) prefix="$2"; shift 2 ;;
        --work) work="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--prefix DIR] [--work DIR] [--only fixture|ram8g]" >&2; exit 64 ;;
    esac
done
mkdir -p "$work"
work="$(cd "$work" && pwd)"
prefix="${prefix:-$work/install}"
[ -x "$prefix/sbin/makedumpfile" ] || "$here/scripts/install" --prefix "$prefix" >&2
ours="$prefix/sbin/makedumpfile"
theirs="$(command -v makedumpfile)" || { echo "bench: makedumpfile 1.7.2 is not installed" >&2; exit 69; }
out="$(mktemp -d "$work/out.XXXXXX")"
trap 'rm -rf "$out"' EXIT

fixture="$work/vmcore.raw"
if [ ! -f "$fixture" ]; then
    zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$fixture.tmp"
    mv "$fixture.tmp" "$fixture"
fi
ram8g="$work/ram8g/vmcore"
if [ "$only" != fixture ] && [ ! -f "$ram8g" ]; then
    echo "bench: building the 8 GiB RAM scenario (a few minutes)" >&2
    rm -rf "$work/ram8g"
    "$prefix/bin/pmemdump" image build --scenario "$here/dumpfilter/bench/ram8g-scenario.json" \
        --out "$work/ram8g" >/dev/null
    rm -f "$work/ram8g/ram.img" "$work/ram8g"/pmem*.img   # the filter reads only the vmcore
fi

timed() {  # FILE CMD...: appends "wall cpu" of one run of CMD (output discarded) to FILE
    local f="$1" t
    shift
    rm -f "$out"/dump*
    t="$out/time"
    # makedumpfile 1.7.2's --num-threads now and then exits non-zero on a run that succeeds when
    # repeated: one retry, then give up.
    /usr/bin/time -f '%e %U %S' -o "$t" "$@" >/dev/null 2>&1 \
        || { echo "bench: failed once, retrying: $*" >&2; rm -f "$out"/dump*
             /usr/bin/time -f '%e %U %S' -o "$t" "$@" >/dev/null 2>&1; } \
        || { echo "bench: failed: $*" >&2; exit 1; }
    awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$t" >>"$f"
    rm -f "$out"/dump*
}

median() {  # FILE COLUMN
    sort -n -k"$2","$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}

startup() {
    local m="$out/s.m" p="$out/s.p"
    : >"$m"; : >"$p"
    for _ in $(seq "$runs"); do
        timed "$m" "$theirs" -v
        timed "$p" "$ours" -v
    done
    printf 'start-up (-v): makedumpfile %.3fs, pmemdump %.3fs (medians of %d)\n' "$(median "$m" 1)" \
        "$(median "$p" 1)" "$runs"
}

bench_input() {  # NAME VMCORE
    local name="$1" vmcore="$2" opts m p single
    cat "$vmcore" >/dev/null   # warm page cache, as for every run after the first
    printf '\n%s: %s (%s on disk), %d pairs, medians\n' "$name" "$vmcore" "$(du -h "$vmcore" | cut -f1)" "$runs"
    printf '%-30s %10s %10s %10s %10s %7s %7s %9s\n' "options" "mdf wall" "ours wall" "mdf cpu" "ours cpu" \
        "wall x" "cpu x" "x mdf -1"
    local rows=("-l -d 31" "-c -d 31" "-E -d 31" "-l -d 31 --num-threads 2" "-c -d 31 --num-threads 2")
    [ -z "${ROWS:-}" ] || IFS=';' read -r -a rows <<<"$ROWS"
    for opts in "${rows[@]}"; do
        m="$out/$name.$(echo "$opts" | tr -d ' -').m"
        p="$out/$name.$(echo "$opts" | tr -d ' -').p"
        : >"$m"; : >"$p"
        for _ in $(seq "$runs"); do
            # shellcheck disable=SC2086
            timed "$m" "$theirs" $opts "$vmcore" "$out/dump.m"
            # shellcheck disable=SC2086
            timed "$p" "$ours" $opts "$vmcore" "$out/dump.p"
        done
        single="-"
        case "$opts" in
            *--num-threads*) single="$(ratio "$(median "$p" 1)" "$(median "$out/$name.$(echo "${opts%% --num-threads*}" | tr -d ' -').m" 1)")" ;;
        esac
        printf '%-30s %9.3fs %9.3fs %9.3fs %9.3fs %7s %7s %9s\n' "$opts" "$(median "$m" 1)" "$(median "$p" 1)" \
            "$(median "$m" 2)" "$(median "$p" 2)" "$(ratio "$(median "$p" 1)" "$(median "$m" 1)")" \
            "$(ratio "$(median "$p" 2)" "$(median "$m" 2)")" "$single"
    done
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); ours: $ours"
startup
[ "$only" = ram8g ] || bench_input fixture "$fixture"
[ "$only" = fixture ] || bench_input ram8g "$ram8g"
