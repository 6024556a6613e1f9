import { roundUpToBlock, TAR_BLOCK_BYTES, tarHeaderChecksum, TarField, TarType, USTAR_MAGIC, USTAR_VERSION } from './tar-format';

/** One archive entry to write. Only tests set `typeflag`, `linkname` or `prefix`, to build hostile archives. */
export interface TarEntrySpec {
  name: string;
  data?: Uint8Array;
  typeflag?: string;
  linkname?: string;
  prefix?: string;
  /** Overrides the size field (tests: a header that lies about its data). */
  declaredSize?: number;
}

/**
 * Writes a POSIX ustar archive in memory: one header block per entry, the data padded with zeros to
 * 512 bytes, and two zero blocks at the end. Every timestamp, owner and mode is fixed, so the same
 * files always give the same bundle bytes (reproducible releases).
 */
export function writeBundleArchive(entries: readonly TarEntrySpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const data = entry.data ?? new Uint8Array(0);
    parts.push(encodeTarHeader(entry, entry.declaredSize ?? data.length));
    const padded = new Uint8Array(roundUpToBlock(data.length));
    padded.set(data);
    parts.push(padded);
  }
  parts.push(new Uint8Array(2 * TAR_BLOCK_BYTES));
  return new Uint8Array(Buffer.concat(parts));
}

/** One 512-byte ustar header block with a correct checksum. */
export function encodeTarHeader(entry: TarEntrySpec, sizeBytes: number): Uint8Array {
  const block = new Uint8Array(TAR_BLOCK_BYTES);
  const nameBytes = Buffer.from(entry.name, 'latin1');
  if (nameBytes.length > TarField.name.length) throw new RangeError(`archive entry name "${entry.name}" is longer than 100 bytes`);
  block.set(nameBytes, TarField.name.offset);
  writeText(block, TarField.mode.offset, entry.typeflag === TarType.directory ? '0000755\0' : '0000644\0');
  writeText(block, TarField.uid.offset, '0000000\0');
  writeText(block, TarField.gid.offset, '0000000\0');
  writeText(block, TarField.size.offset, `${sizeBytes.toString(8).padStart(11, '0')}\0`);
  writeText(block, TarField.mtime.offset, '00000000000\0');
  writeText(block, TarField.typeflag.offset, entry.typeflag ?? TarType.regular);
  if (entry.linkname !== undefined) writeText(block, TarField.linkname.offset, entry.linkname);
  writeText(block, TarField.magic.offset, USTAR_MAGIC);
  writeText(block, TarField.version.offset, USTAR_VERSION);
  if (entry.prefix !== undefined) writeText(block, TarField.prefix.offset, entry.prefix);
  writeText(block, TarField.checksum.offset, `${tarHeaderChecksum(block).toString(8).padStart(6, '0')}\0 `);
  return block;
}

function writeText(block: Uint8Array, offset: number, text: string): void {
  block.set(Buffer.from(text, 'latin1'), offset);
}
