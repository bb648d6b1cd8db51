#!/usr/bin/python3
"""Ground truth of a real pmem kdump, computed without pmemdump: readelf-style ELF parsing of the
vmcore, the first kernel's sysfs namespace table, and drgn (python3-drgn) for kernel virtual
addresses. Prints JSON: PT_LOADs, vmemmap base (from mem_section), per namespace its extent, data
start, sha256 of [namespace start, data start) as the vmcore holds it, and for --map=mem
namespaces the sha256 of its struct pages in virtual-address order and their physical runs.

usage: ground-truth.py VMCORE NSTABLE HOLDERS
  NSTABLE: lines "namespaceX.Y NAME DEV START SIZE holder=H" (first kernel's sysfs)
  HOLDERS: lines "pfnX.Y|daxX.Y DATA_START SIZE align=A mode=M ns=namespaceX.Y"
"""
import hashlib, json, mmap, struct, sys
import drgn

core, nstable, holders = sys.argv[1:4]
f = open(core, 'rb')
m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
e_phoff, = struct.unpack_from('<Q', m, 0x20)
e_phentsize, e_phnum = struct.unpack_from('<HH', m, 0x36)
loads = []
for i in range(e_phnum):
    p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, _ = struct.unpack_from('<IIQQQQQQ', m, e_phoff + i * e_phentsize)
    if p_type == 1:
        loads.append(dict(flags=p_flags, offset=p_offset, vaddr=p_vaddr, paddr=p_paddr, filesz=p_filesz, memsz=p_memsz))

def phys(pa, n):
    """n bytes at physical address pa, from the PT_LOAD that holds them (not the kernel-text one)."""
    for l in loads:
        if l['vaddr'] >= 0xffffffff80000000:
            continue
        if l['paddr'] <= pa and pa + n <= l['paddr'] + l['filesz']:
            o = l['offset'] + pa - l['paddr']
            return m[o:o + n]
    raise ValueError('physical 0x%x+0x%x not in any PT_LOAD' % (pa, n))

note = m.find(b'OSRELEASE=')
info = dict(l.split('=', 1) for l in m[note:note + 4096].split(b'\0')[0].decode().splitlines() if '=' in l)
prog = drgn.Program()
prog.set_core_dump(core)
u64 = lambda va: struct.unpack('<Q', prog.read(va, 8))[0]
mem_section = int(info['SYMBOL(mem_section)'], 16)
root0 = u64(mem_section)
vmemmap_base = u64(root0) & ~0x3f  # section 0's coded memmap minus pfn 0
phys_base = int(info['NUMBER(phys_base)'])  # signed: KASLR may move the kernel below its link address
cr3 = (int(info['SYMBOL(swapper_pg_dir)'], 16) - 0xffffffff80000000 + phys_base) & (2**64 - 1)

def walk(va):
    """Physical address of kernel VA va: x86_64 4-level walk with 1G/2M leaves."""
    table = cr3
    for level, shift in ((4, 39), (3, 30), (2, 21), (1, 12)):
        e = struct.unpack('<Q', phys(table + ((va >> shift) & 0x1ff) * 8, 8))[0]
        if not e & 1:
            return None
        base = e & 0x000ffffffffff000
        if level in (3, 2) and e & 0x80:
            return (base & ~((1 << shift) - 1)) + (va & ((1 << shift) - 1))
        table = base
    return table + (va & 0xfff)

holder = {}
for line in open(holders):
    w = line.split()
    if len(w) >= 6 and w[1].startswith('0x'):
        holder[w[0]] = dict(data_start=int(w[1], 16), mode=w[4].split('=')[1], ns=w[5].split('=')[1])
out = dict(loads=[{k: (hex(v) if k != 'flags' else hex(v)) for k, v in l.items()} for l in loads],
           vmemmap_base=hex(vmemmap_base), namespaces=[])
for line in open(nstable):
    ns, name, dev, start, size, h = line.split()
    start, size, h = int(start, 16), int(size), h.split('=')[1]
    d = dict(ns=ns, name=name, dev=dev, ns_start=hex(start), ns_size=hex(size), holder=h)
    if h in holder:
        ds = holder[h]['data_start']
        d['data_start'] = hex(ds)
        d['map'] = 'mem' if holder[h]['mode'] == 'ram' else 'dev'
        d['sha256_ns_start_to_data_start'] = hashlib.sha256(phys(start, ds - start)).hexdigest()
        if d['map'] == 'mem':
            va0 = vmemmap_base + (start >> 12) * 64
            n = (size >> 12) * 64
            d['memmap_va'] = [hex(va0), hex(va0 + n)]
            d['memmap_sha256_va_order'] = hashlib.sha256(prog.read(va0, n)).hexdigest()
            runs = []
            for va in range(va0, va0 + n, 4096):
                pa = walk(va)
                if runs and runs[-1][1] == pa and runs[-1][2] == va:
                    runs[-1][1] += 4096; runs[-1][2] += 4096
                else:
                    runs.append([pa, pa + 4096, va + 4096, va])
            d['memmap_physical_runs'] = [dict(va=hex(r[3]), pa_start=hex(r[0]), pa_end=hex(r[1]),
                                              sha256=hashlib.sha256(phys(r[0], r[1] - r[0])).hexdigest()) for r in runs]
    out['namespaces'].append(d)
out['pattern_lines'] = m[:].count(b'PMEM-FIXTURE ')
json.dump(out, sys.stdout, indent=1)
print()
