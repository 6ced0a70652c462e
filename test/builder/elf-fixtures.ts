// Hand-made minimal ELF files (no host binaries are used): a header, PT_LOAD/PT_INTERP/PT_DYNAMIC and a string table.
export interface ElfSpec {
  bits?: 32 | 64;
  littleEndian?: boolean;
  machine?: number;
  type?: number;
  interp?: string;
  needed?: string[];
  rpath?: string;
  runpath?: string;
  soname?: string;
}

export function makeElf(spec: ElfSpec = {}): Buffer {
  const bits = spec.bits ?? 64;
  const le = spec.littleEndian ?? true;
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const dynEnt = bits === 64 ? 16 : 8;
  const base = 0x400000;
  // String table
  const strs: number[] = [0];
  const strtab: string[] = [''];
  const add = (s: string) => {
    const off = strtab.join('\0').length + 1;
    strtab.push(s);
    strs.push(off);
    return off;
  };
  const dyn: Array<[number, number]> = [];
  for (const n of spec.needed ?? []) dyn.push([1, add(n)]);
  if (spec.rpath !== undefined) dyn.push([15, add(spec.rpath)]);
  if (spec.runpath !== undefined) dyn.push([29, add(spec.runpath)]);
  if (spec.soname !== undefined) dyn.push([14, add(spec.soname)]);
  const strBuf = Buffer.from(strtab.join('\0') + '\0', 'latin1');
  const hasDyn = dyn.length > 0;
  const phnum = 1 + (spec.interp ? 1 : 0) + (hasDyn ? 1 : 0);
  const interpOff = ehsize + phnum * phentsize;
  const interpBuf = spec.interp ? Buffer.from(spec.interp + '\0', 'latin1') : Buffer.alloc(0);
  const strOff = interpOff + interpBuf.length;
  const dynOff = (strOff + strBuf.length + 7) & ~7;
  dyn.push([5, base + strOff], [10, strBuf.length], [0, 0]);
  const dynSize = hasDyn ? dyn.length * dynEnt : 0;
  const total = dynOff + dynSize;
  const b = Buffer.alloc(total);
  const w16 = (o: number, v: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (o: number, v: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const w64 = (o: number, v: number) => (le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o));
  const word = bits === 64 ? w64 : w32;
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = bits === 64 ? 2 : 1;
  b[5] = le ? 1 : 2;
  b[6] = 1;
  w16(16, spec.type ?? 3);
  w16(18, spec.machine ?? 62);
  w32(20, 1);
  if (bits === 64) {
    w64(32, ehsize);
    w16(52, ehsize);
    w16(54, phentsize);
    w16(56, phnum);
  } else {
    w32(28, ehsize);
    w16(40, ehsize);
    w16(42, phentsize);
    w16(44, phnum);
  }
  let ph = ehsize;
  const phdr = (type: number, offset: number, size: number) => {
    if (bits === 64) {
      w32(ph, type);
      w64(ph + 8, offset);
      w64(ph + 16, base + offset);
      w64(ph + 24, base + offset);
      w64(ph + 32, size);
      w64(ph + 40, size);
    } else {
      w32(ph, type);
      w32(ph + 4, offset);
      w32(ph + 8, base + offset);
      w32(ph + 12, base + offset);
      w32(ph + 16, size);
      w32(ph + 20, size);
    }
    ph += phentsize;
  };
  phdr(1, 0, total);
  if (spec.interp) phdr(3, interpOff, interpBuf.length);
  if (hasDyn) phdr(2, dynOff, dynSize);
  interpBuf.copy(b, interpOff);
  strBuf.copy(b, strOff);
  if (hasDyn)
    dyn.forEach(([tag, val], i) => {
      word(dynOff + i * dynEnt, tag);
      word(dynOff + i * dynEnt + dynEnt / 2, val);
    });
  return b;
}
