// A small ELF reader: just enough of the file header, program headers and dynamic section to know what a
// binary needs at load time (PT_INTERP, DT_NEEDED, DT_RPATH, DT_RUNPATH). Reads only the parts it needs.
import type { FileHandle } from 'node:fs/promises';

export const ELF_MAGIC = 0x7f454c46; // "\x7fELF"

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const ET_EXEC = 2;
const ET_DYN = 3;

/** Upper bounds, so a hostile or corrupt file cannot make the checker read gigabytes. */
const MAX_PHNUM = 4096;
const MAX_DYNAMIC = 1 << 20;
const MAX_STRTAB = 16 << 20;
const MAX_INTERP = 4096;

export interface ElfInfo {
  /** 32 or 64 */
  bits: 32 | 64;
  littleEndian: boolean;
  /** e_machine (62 = x86-64, 183 = AArch64, 3 = i386, …) */
  machine: number;
  /** e_type: 2 executable, 3 shared object / PIE */
  type: number;
  interp?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  soname?: string;
  /** Set when the headers could not be parsed; the other fields are then partial. */
  problem?: string;
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

/** True when the first bytes are the ELF magic. */
export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === ELF_MAGIC;
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/**
 * Parses an ELF file's load-time needs. `head` holds at least the first 64 bytes (fewer only when the file
 * is shorter). Returns undefined for ELF files that are not loadable (relocatable objects, core files).
 */
export async function readElf(fh: FileHandle, head: Buffer, size: number): Promise<ElfInfo | undefined> {
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) {
    return { bits: 64, littleEndian: true, machine: 0, type: 0, needed: [], rpath: [], runpath: [], problem: 'unknown ELF class or byte order' };
  }
  const bits = cls === 2 ? 64 : 32;
  const le = data === 1;
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const word = bits === 64 ? u64 : u32;
  const info: ElfInfo = { bits, littleEndian: le, machine: 0, type: 0, needed: [], rpath: [], runpath: [] };
  const ehsize = bits === 64 ? 64 : 52;
  if (head.length < ehsize) return { ...info, problem: 'truncated ELF header' };
  info.type = u16(head, 16);
  info.machine = u16(head, 18);
  if (info.type !== ET_EXEC && info.type !== ET_DYN) return undefined;
  const phoff = bits === 64 ? u64(head, 32) : u32(head, 28);
  const phentsize = u16(head, bits === 64 ? 54 : 42);
  const phnum = u16(head, bits === 64 ? 56 : 44);
  if (phnum === 0) return info;
  const minEnt = bits === 64 ? 56 : 32;
  if (phentsize < minEnt || phnum > MAX_PHNUM || phoff + phentsize * phnum > size) return { ...info, problem: 'bad program header table' };
  const ph = await readAt(fh, phoff, phentsize * phnum);
  if (ph.length < phentsize * phnum) return { ...info, problem: 'truncated program header table' };
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    if (bits === 64) {
      segments.push({ type: u32(ph, o), offset: u64(ph, o + 8), vaddr: u64(ph, o + 16), filesz: u64(ph, o + 32), memsz: u64(ph, o + 40) });
    } else {
      segments.push({ type: u32(ph, o), offset: u32(ph, o + 4), vaddr: u32(ph, o + 8), filesz: u32(ph, o + 16), memsz: u32(ph, o + 20) });
    }
  }
  const interpSeg = segments.find((s) => s.type === PT_INTERP);
  if (interpSeg) {
    const len = Math.min(interpSeg.filesz, MAX_INTERP);
    if (interpSeg.offset + len > size) return { ...info, problem: 'PT_INTERP lies outside the file' };
    const raw = await readAt(fh, interpSeg.offset, len);
    const nul = raw.indexOf(0);
    info.interp = raw.subarray(0, nul < 0 ? raw.length : nul).toString('latin1');
  }
  const dynSeg = segments.find((s) => s.type === PT_DYNAMIC);
  if (!dynSeg) return info;
  const dynLen = Math.min(dynSeg.filesz, MAX_DYNAMIC);
  if (dynSeg.offset + dynLen > size) return { ...info, problem: 'PT_DYNAMIC lies outside the file' };
  const dyn = await readAt(fh, dynSeg.offset, dynLen);
  const entSize = bits === 64 ? 16 : 8;
  const half = bits === 64 ? 8 : 4;
  let strtabAddr: number | undefined;
  let strsz: number | undefined;
  const needed: number[] = [];
  const rpath: number[] = [];
  const runpath: number[] = [];
  let soname: number | undefined;
  for (let o = 0; o + entSize <= dyn.length; o += entSize) {
    const tag = word(dyn, o);
    const val = word(dyn, o + half);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) needed.push(val);
    else if (tag === DT_STRTAB) strtabAddr = val;
    else if (tag === DT_STRSZ) strsz = val;
    else if (tag === DT_RPATH) rpath.push(val);
    else if (tag === DT_RUNPATH) runpath.push(val);
    else if (tag === DT_SONAME) soname = val;
  }
  if (!needed.length && !rpath.length && !runpath.length && soname === undefined) return info;
  if (strtabAddr === undefined) return { ...info, problem: 'dynamic section has no DT_STRTAB' };
  // DT_STRTAB is a virtual address: map it to a file offset through the PT_LOAD segment that holds it.
  const load = segments.find((s) => s.type === PT_LOAD && strtabAddr! >= s.vaddr && strtabAddr! < s.vaddr + s.filesz);
  if (!load) return { ...info, problem: 'DT_STRTAB is not inside any PT_LOAD segment' };
  const strOff = load.offset + (strtabAddr - load.vaddr);
  const maxLen = Math.min(strsz ?? MAX_STRTAB, MAX_STRTAB, load.offset + load.filesz - strOff, size - strOff);
  if (maxLen <= 0) return { ...info, problem: 'DT_STRTAB lies outside the file' };
  // Only the strings referenced are needed: read the span from the smallest to the largest referenced offset.
  const refs = [...needed, ...rpath, ...runpath, ...(soname !== undefined ? [soname] : [])];
  const lo = Math.min(...refs);
  const hi = Math.max(...refs);
  if (hi >= maxLen) return { ...info, problem: 'dynamic string offset beyond DT_STRSZ' };
  const span = await readAt(fh, strOff + lo, Math.min(maxLen - lo, hi - lo + 4096));
  const str = (off: number): string => {
    const start = off - lo;
    const end = span.indexOf(0, start);
    return span.subarray(start, end < 0 ? span.length : end).toString('latin1');
  };
  info.needed = needed.map(str);
  info.rpath = rpath.flatMap((o) => str(o).split(':'));
  info.runpath = runpath.flatMap((o) => str(o).split(':'));
  if (soname !== undefined) info.soname = str(soname);
  return info;
}

/** Debian's multiarch triplet for an ELF machine/class, used for $LIB and the default library paths. */
export function multiarchTriplet(machine: number, bits: 32 | 64, littleEndian: boolean): string | undefined {
  switch (machine) {
    case 62:
      return bits === 64 ? 'x86_64-linux-gnu' : 'x86_64-linux-gnux32';
    case 3:
      return 'i386-linux-gnu';
    case 183:
      return 'aarch64-linux-gnu';
    case 40:
      return 'arm-linux-gnueabihf';
    case 21:
      return littleEndian ? 'powerpc64le-linux-gnu' : 'powerpc64-linux-gnu';
    case 22:
      return 's390x-linux-gnu';
    case 243:
      return 'riscv64-linux-gnu';
    case 8:
      return bits === 64 ? (littleEndian ? 'mips64el-linux-gnuabi64' : 'mips64-linux-gnuabi64') : littleEndian ? 'mipsel-linux-gnu' : 'mips-linux-gnu';
    default:
      return undefined;
  }
}

export function machineName(machine: number, bits: 32 | 64): string {
  const names: Record<number, string> = { 3: 'i386', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390', 40: 'arm', 62: 'x86-64', 183: 'aarch64', 243: 'riscv' };
  return `${names[machine] ?? `machine ${machine}`} ELF${bits}`;
}
