#!/usr/bin/env bash
# Benchmark: build bench/ram16g-pmem64g-scenario.json (16.5 GiB RAM, 64 GiB pmem, RFC kernel), then
# filter its vmcore with makedumpfile 1.7.2 and with `pmemdump makedumpfile`, both `-d 31 -l`, back
# to back. Prints the build time, each tool's wall time, the ratio, and how much of the pmem
# PT_LOAD each tool read: the vmcore's page cache is dropped before each run (posix_fadvise
# DONTNEED on that file only) and counted after it with mincore(2), split into pmem metadata (the
# manifest's pmemMetadata ranges: info block and on-device memmap) and pmem user data; user data in
# a run of cached pages that touches metadata is shown apart, as the kernel's mmap read-around and
# readahead of the metadata bring it in without the tool asking for it.
# Outputs are deleted at the end unless KEEP=1.
# Usage: native-test-images/bench/ram16g-pmem64g.sh [OUTDIR]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d "${TMPDIR:-/tmp}/ram16g-pmem64g.XXXXXX")}"
mkdir -p "$out"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$out"' EXIT
py=/usr/bin/python3
java="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -n1)}"

df -h "$out"
# About 26 GiB of real data (RAM image 13 GiB, vmcore 11 GiB, pmem metadata, kmemdump.core) plus
# the two dumps (1.3 GiB).
avail_kib=$(df --output=avail -k "$out" | tail -n1)
if [ "$avail_kib" -lt $((30 * 1024 * 1024)) ]; then
    echo "ram16g-pmem64g: less than 30 GiB free in $out" >&2
    exit 1
fi

"$repo/bin/pmemdump" --version >/dev/null 2>&1   # builds the jar if needed, outside the timings
pmemdump() { "$java" --enable-native-access=ALL-UNNAMED -jar "$repo/cli/target/pmemdump.jar" "$@"; }

s=$(date +%s.%N)
pmemdump image build --scenario "$here/ram16g-pmem64g-scenario.json" --out "$out/image" >/dev/null
e=$(date +%s.%N)
vm="$out/image/vmcore"
printf 'image build: %.1fs; vmcore %s apparent, %s on disk\n' "$(echo "$e - $s" | bc)" \
    "$(du -h --apparent-size "$vm" | cut -f1)" "$(du -h "$vm" | cut -f1)"

# File ranges of the vmcore: "pmem START END" per pmem PT_LOAD (PF_DEV), "meta START END" per
# metadata range inside them.
ranges="$out/ranges.txt"
"$py" - "$vm" "$out/image/manifest.json" >"$ranges" <<'PY'
import json, struct, sys
PF_DEV = 0x10
vm, manifest = sys.argv[1], sys.argv[2]
with open(vm, 'rb') as f:
    eh = f.read(64)
    phoff, = struct.unpack_from('<Q', eh, 32)
    phnum, = struct.unpack_from('<H', eh, 56)
    f.seek(phoff)
    phdrs = [struct.unpack('<IIQQQQQQ', f.read(56)) for _ in range(phnum)]
m = json.load(open(manifest))
page = m['pageSize']
loads = [(off, paddr, filesz) for (typ, flags, off, vaddr, paddr, filesz, memsz, align) in phdrs
         if typ == 1 and flags & PF_DEV]
assert loads, 'no PF_DEV PT_LOAD in the vmcore'
for off, paddr, size in loads:
    print('pmem', off, off + size)
    for md in m['pmemMetadata']:
        a, b = max(md['startPfn'] * page, paddr), min(md['endPfn'] * page, paddr + size)
        if a < b:
            print('meta', off + a - paddr, off + b - paddr)
PY

evict() { "$py" -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$vm"; }
pmem_read() {  # prints "METADATA USER_NEXT_TO_METADATA USER_ELSEWHERE": resident page-cache bytes of the pmem loads
    "$py" - "$vm" "$ranges" <<'PY'
import ctypes, mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
PAGE = 4096
def resident_runs(start, end):  # maximal runs [a, b) of resident pages, one mincore snapshot
    runs, pos, run = [], start, None
    while pos < end:
        length = min(1 << 30, end - pos)
        addr = libc.mmap(None, length, mmap.PROT_READ, mmap.MAP_SHARED, fd, pos)
        vec = (ctypes.c_ubyte * ((length + PAGE - 1) // PAGE))()
        if libc.mincore(ctypes.c_void_p(addr), length, vec) != 0:
            raise OSError(ctypes.get_errno(), 'mincore')
        libc.munmap(ctypes.c_void_p(addr), length)
        for i, b in enumerate(vec):
            if b & 1 and run is None:
                run = pos + i * PAGE
            elif not b & 1 and run is not None:
                runs.append((run, pos + i * PAGE)); run = None
        pos += length
    if run is not None:
        runs.append((run, end))
    return runs
pmem, meta = [], []
for line in open(sys.argv[2]):
    kind, a, b = line.split()
    (pmem if kind == 'pmem' else meta).append((int(a), int(b)))
def overlap(a, b, c, d):
    return max(0, min(b, d) - max(a, c))
m = near = far = 0
for lo, hi in pmem:
    for a, b in resident_runs(lo, hi):
        inside = sum(overlap(a, b, c, d) for c, d in meta)
        m += inside
        # User pages in a run that touches metadata came in with it (mmap read-around).
        if any(a <= d and c <= b for c, d in meta):
            near += b - a - inside
        else:
            far += b - a - inside
print(m, near, far)
PY
}

declare -A wall
run() {  # NAME COMMAND...
    local name=$1 s e; shift
    rm -f "$out/dump.$name"
    sync "$vm"; evict
    read -r meta near user < <(pmem_read)
    if [ $((meta + near + user)) -ne 0 ]; then  # pages in per-CPU LRU lists can survive one drop
        sleep 1; evict
        read -r meta near user < <(pmem_read)
        [ $((meta + near + user)) -eq 0 ] || echo "$name: $((meta + near + user)) bytes of pmem stayed cached before the run"
    fi
    s=$(date +%s.%N)
    "$@" >"$out/$name.log" 2>&1 || { echo "$name failed:"; tail -3 "$out/$name.log"; exit 1; }
    e=$(date +%s.%N)
    wall[$name]=$(echo "$e - $s" | bc)
    read -r meta near user < <(pmem_read)
    printf '%-13s %8.2fs  dump %10d B  pmem read: metadata %11d B, user data %11d B (+ %d B next to metadata)\n' \
        "$name" "${wall[$name]}" "$(stat -c %s "$out/dump.$name")" "$meta" "$user" "$near"
}
run makedumpfile makedumpfile -d 31 -l "$vm" "$out/dump.makedumpfile"
run pmemdump pmemdump makedumpfile -d 31 -l "$vm" "$out/dump.pmemdump"
printf 'ratio pmemdump / makedumpfile: %.2f\n' "$(echo "${wall[pmemdump]} / ${wall[makedumpfile]}" | bc -l)"
