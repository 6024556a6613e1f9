import { FIRMWARE_LIMITS } from '../firmware-limits';
import { refusal } from '../firmware-refusal';
import { checkBundlePath } from './entry-path';
import { roundUpToBlock, TAR_BLOCK_BYTES, tarHeaderChecksum, TarField, TarType, USTAR_MAGIC, USTAR_VERSION } from './tar-format';

/** One regular file of a bundle archive; `data` is a view into the archive bytes (no copy). */
export interface ArchiveEntry {
  name: string;
  data: Uint8Array;
}

/**
 * Reads a bundle archive (POSIX ustar) held in memory, checking every header before it looks at any
 * data: size and entry-count limits, magic, header checksum, type (regular files and directories
 * only: links, devices and extended headers are refused), path safety, octal size, zero padding,
 * duplicates (case-insensitive), the end-of-archive marker and what follows it. Nothing is written
 * anywhere; the caller gets views into `bytes`.
 */
export function readBundleArchive(bytes: Uint8Array): ArchiveEntry[] {
  if (bytes.length > FIRMWARE_LIMITS.bundleBytes) {
    throw refusal('BUNDLE_ARCHIVE_TOO_LARGE', 'archive size', `${bytes.length} bytes exceeds the ${FIRMWARE_LIMITS.bundleBytes}-byte limit`);
  }
  const entries: ArchiveEntry[] = [];
  const seen = new Set<string>();
  let headerCount = 0;
  let offset = 0;
  for (;;) {
    if (offset + TAR_BLOCK_BYTES > bytes.length) {
      throw refusal('BUNDLE_TRUNCATED', 'archive end', `the archive ends at byte ${bytes.length}, inside the header block at offset ${offset} (no end-of-archive marker)`);
    }
    const block = bytes.subarray(offset, offset + TAR_BLOCK_BYTES);
    if (isZero(block)) {
      checkEndOfArchive(bytes, offset);
      return entries;
    }
    headerCount += 1;
    if (headerCount > FIRMWARE_LIMITS.archiveEntries) {
      throw refusal('BUNDLE_ARCHIVE_TOO_LARGE', 'archive entries', `more than ${FIRMWARE_LIMITS.archiveEntries} entries`);
    }
    const where = `archive entry ${headerCount} (offset ${offset})`;
    checkHeaderIntegrity(block, where);
    const name = readEntryName(block, where);
    const type = field(block, TarField.typeflag);
    const size = readOctal(block, TarField.size, where);
    const dataStart = offset + TAR_BLOCK_BYTES;
    checkEntryType(type, name, size, where);
    const dataEnd = dataStart + size;
    const paddedEnd = dataStart + roundUpToBlock(size);
    if (paddedEnd > bytes.length) {
      throw refusal('BUNDLE_TRUNCATED', where, `"${name}" declares ${size} bytes but the archive ends ${Math.max(0, bytes.length - dataStart)} bytes into it`);
    }
    if (!isZero(bytes.subarray(dataEnd, paddedEnd))) throw refusal('BUNDLE_ARCHIVE_INVALID', where, `non-zero padding after "${name}"`);
    if (type !== TarType.directory) {
      const key = name.toLowerCase();
      if (seen.has(key)) throw refusal('BUNDLE_DUPLICATE_ENTRY', where, `"${name}" appears more than once`, { path: name });
      seen.add(key);
      entries.push({ name, data: bytes.subarray(dataStart, dataEnd) });
    }
    offset = paddedEnd;
  }
}

function checkHeaderIntegrity(block: Uint8Array, where: string): void {
  if (field(block, TarField.magic) !== USTAR_MAGIC || field(block, TarField.version) !== USTAR_VERSION) {
    throw refusal('BUNDLE_ARCHIVE_INVALID', where, 'not a POSIX ustar header (magic "ustar\\0" version "00")');
  }
  const stored = readOctal(block, TarField.checksum, where);
  const computed = tarHeaderChecksum(block);
  if (stored !== computed) throw refusal('BUNDLE_ARCHIVE_INVALID', where, `header checksum ${stored} does not match the computed ${computed}`);
}

function checkEntryType(type: string, name: string, size: number, where: string): void {
  if (type === TarType.regular || type === TarType.regularOld) return;
  if (type === TarType.directory) {
    if (size !== 0) throw refusal('BUNDLE_ARCHIVE_INVALID', where, `directory "${name}" declares ${size} bytes of data`);
    return;
  }
  if (type === TarType.hardLink || type === TarType.symbolicLink) {
    throw refusal('BUNDLE_UNSAFE_PATH', where, `"${name}" is a ${type === TarType.hardLink ? 'hard' : 'symbolic'} link; bundles hold regular files only`, { path: name });
  }
  if (type === TarType.characterDevice || type === TarType.blockDevice || type === TarType.fifo) {
    throw refusal('BUNDLE_UNSAFE_PATH', where, `"${name}" is a device or FIFO; bundles hold regular files only`, { path: name });
  }
  throw refusal('BUNDLE_ARCHIVE_INVALID', where, `entry type ${JSON.stringify(type)} (extended or vendor header) is not accepted`);
}

/** Prefix and name joined (ustar), then checked by checkBundlePath; a trailing `/` marks a directory. */
function readEntryName(block: Uint8Array, where: string): string {
  const name = nulTerminated(block, TarField.name, where);
  const prefix = nulTerminated(block, TarField.prefix, where);
  const joined = prefix === '' ? name : `${prefix}/${name}`;
  const isDirectory = field(block, TarField.typeflag) === TarType.directory;
  const path = isDirectory && joined.endsWith('/') ? joined.slice(0, -1) : joined;
  return checkBundlePath(path, where);
}

function nulTerminated(block: Uint8Array, spec: { offset: number; length: number }, where: string): string {
  const bytes = block.subarray(spec.offset, spec.offset + spec.length);
  const end = bytes.indexOf(0);
  if (end >= 0 && !isZero(bytes.subarray(end))) {
    throw refusal('BUNDLE_UNSAFE_PATH', where, 'a name field holds more bytes after its terminating NUL');
  }
  return Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString('latin1');
}

/** Octal digits, optionally led by spaces and ended by NUL or space (base-256 sizes are refused). */
function readOctal(block: Uint8Array, spec: { offset: number; length: number }, where: string): number {
  const text = field(block, spec);
  const match = /^ *([0-7]{1,12})[ \0]*$/.exec(text);
  if (!match?.[1]) throw refusal('BUNDLE_ARCHIVE_INVALID', where, `field at offset ${spec.offset} is not an octal number`);
  return Number.parseInt(match[1], 8);
}

function field(block: Uint8Array, spec: { offset: number; length: number }): string {
  return Buffer.from(block.subarray(spec.offset, spec.offset + spec.length)).toString('latin1');
}

/** Two zero blocks end the archive; only zero bytes (record padding) may follow them. */
function checkEndOfArchive(bytes: Uint8Array, offset: number): void {
  const second = offset + TAR_BLOCK_BYTES;
  if (second + TAR_BLOCK_BYTES > bytes.length) {
    throw refusal('BUNDLE_TRUNCATED', 'archive end', `the end-of-archive marker at offset ${offset} is cut short`);
  }
  if (!isZero(bytes.subarray(second, second + TAR_BLOCK_BYTES))) {
    throw refusal('BUNDLE_ARCHIVE_INVALID', 'archive end', `a zero block at offset ${offset} is followed by data (not an end-of-archive marker)`);
  }
  const trailing = bytes.subarray(second + TAR_BLOCK_BYTES);
  if (!isZero(trailing)) {
    throw refusal('BUNDLE_PADDED', 'archive end', `${trailing.length} bytes follow the end-of-archive marker and not all are zero`);
  }
}

function isZero(bytes: Uint8Array): boolean {
  for (let index = 0; index < bytes.length; index += 1) if (bytes[index] !== 0) return false;
  return true;
}
