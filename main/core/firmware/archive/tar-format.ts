/**
 * POSIX ustar header layout (IEEE Std 1003.1, "pax" interchange format, ustar header block), the only
 * archive format a bundle may use. Offsets and lengths of the fields this folder reads or writes.
 */
export const TAR_BLOCK_BYTES = 512;

export const TarField = {
  name: { offset: 0, length: 100 },
  mode: { offset: 100, length: 8 },
  uid: { offset: 108, length: 8 },
  gid: { offset: 116, length: 8 },
  size: { offset: 124, length: 12 },
  mtime: { offset: 136, length: 12 },
  checksum: { offset: 148, length: 8 },
  typeflag: { offset: 156, length: 1 },
  linkname: { offset: 157, length: 100 },
  magic: { offset: 257, length: 6 },
  version: { offset: 263, length: 2 },
  prefix: { offset: 345, length: 155 },
} as const;

/** `ustar\0` then version `00`: POSIX ustar. GNU tar's `ustar  \0` is not accepted. */
export const USTAR_MAGIC = 'ustar\0';
export const USTAR_VERSION = '00';

/** Type flags: regular file (`0`, or NUL from old tars) and directory are the only ones a bundle may hold. */
export const TarType = {
  regular: '0',
  regularOld: '\0',
  hardLink: '1',
  symbolicLink: '2',
  characterDevice: '3',
  blockDevice: '4',
  directory: '5',
  fifo: '6',
  contiguous: '7',
} as const;

/** The header checksum: the byte sum of the block with the checksum field counted as eight spaces. */
export function tarHeaderChecksum(block: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < TAR_BLOCK_BYTES; index += 1) {
    const isChecksumField = index >= TarField.checksum.offset && index < TarField.checksum.offset + TarField.checksum.length;
    sum += isChecksumField ? 0x20 : (block[index] ?? 0);
  }
  return sum;
}

export function roundUpToBlock(bytes: number): number {
  return Math.ceil(bytes / TAR_BLOCK_BYTES) * TAR_BLOCK_BYTES;
}
