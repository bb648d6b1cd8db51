#!/usr/bin/env bash
# pmem user data is never read: the 6.1 fixture vmcore plus one PF_DEV PT_LOAD of SIZE (default
# 64G) of sparse pmem, filtered by makedumpfile 1.7.2 and by pmemdump with -l -d 31. After each run
# fincore(1) counts the pages of the vmcore's pmem part that entered the page cache (evicted
# before each run with posix_fadvise DONTNEED, for this file only).
# Usage: dumpfilter/bench/pmem-bench.sh [SIZE]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
size="${1:-64G}"
work="$here/target/bench"
mkdir -p "$work"
src="$work/vmcore.raw"
[ -f "$src" ] || zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$src"
vm="$work/vmcore-pmem.raw"
cp --sparse=always "$src" "$vm"
py=/usr/bin/python3
# Append a fifth program header (PT_LOAD, RWX|PF_DEV) for [4 GiB, 4 GiB + size) whose data is a
# hole at the end of the file; the fixture has room for it before its PT_NOTE at 0x1000.
pmem_off=$("$py" - "$vm" "$size" <<'PY'
import os, struct, sys
path, size = sys.argv[1], sys.argv[2]
mult = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}
n = int(size[:-1]) * mult[size[-1]] if size[-1] in mult else int(size)
with open(path, 'r+b') as f:
    eh = f.read(64)
    phoff, = struct.unpack_from('<Q', eh, 32); phnum, = struct.unpack_from('<H', eh, 56)
    assert phoff + (phnum + 1) * 56 <= 0x1000
    end = (os.fstat(f.fileno()).st_size + 4095) & ~4095
    f.seek(phoff + phnum * 56)
    f.write(struct.pack('<IIQQQQQQ', 1, 0x17, end, 0xffff8885c0000000 + (4 << 30), 4 << 30, n, n, 0))
    f.seek(56); f.write(struct.pack('<H', phnum + 1))
    f.truncate(end + n)
print(end)
PY
)
java="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -n1)}"
"$here/bin/pmemdump" --version >/dev/null 2>&1
evict() { "$py" -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$vm"; }
cached_pmem_pages() {  # resident pages of the file beyond the pmem data offset
    "$py" - "$vm" "$pmem_off" <<'PY'
import ctypes, mmap, os, sys
path, off = sys.argv[1], int(sys.argv[2])
fd = os.open(path, os.O_RDONLY); size = os.fstat(fd).st_size
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
n = 0; chunk = 1 << 30; pos = off
while pos < size:
    length = min(chunk, size - pos)
    addr = libc.mmap(None, length, mmap.PROT_READ, mmap.MAP_SHARED, fd, pos)
    vec = (ctypes.c_ubyte * ((length + 4095) // 4096))()
    libc.mincore(ctypes.c_void_p(addr), length, vec)
    n += sum(b & 1 for b in vec)
    libc.munmap(ctypes.c_void_p(addr), length)
    pos += length
print(n)
PY
}
run() {  # name command...
    local name=$1; shift
    rm -f "$work"/out.*
    evict
    local s e
    s=$(date +%s.%N); "$@" >"$work/$name.log" 2>&1 || { echo "$name failed:"; tail -3 "$work/$name.log"; }; e=$(date +%s.%N)
    printf '%-14s %9.2fs  pmem pages read into the page cache: %s\n' "$name" "$(echo "$e - $s" | bc)" \
        "$(cached_pmem_pages)"
}
echo "vmcore: $(du -h --apparent-size "$vm" | cut -f1) apparent, $(du -h "$vm" | cut -f1) on disk; pmem $size at 4 GiB"
run pmemdump "$java" --enable-native-access=ALL-UNNAMED -jar "$here/cli/target/pmemdump.jar" makedumpfile -l -d 31 \
    --message-level 31 "$vm" "$work/out.pmemdump"
grep -E "pmem (metadata|userdata) pages" "$work/pmemdump.log" || true
run makedumpfile makedumpfile -l -d 31 --message-level 31 "$vm" "$work/out.makedumpfile"
cat "$work/makedumpfile.log" | grep -E "Original|Excluded pages|Remaining|Total pages|Write bytes"; cat "$work/pmemdump.log" | grep -E "Original|Excluded pages|Remaining|Total pages|Write bytes"
rm -f "$vm" "$work"/out.*
