import { AppError } from '../../../../shared/errors';

/** UF2 (protocols.md §4): independent 512-byte blocks, every field a little-endian u32. */
export const UF2_BLOCK_BYTES = 512;
export const UF2_MAGIC_START0 = 0x0a324655;
export const UF2_MAGIC_START1 = 0x9e5d5157;
export const UF2_MAGIC_END = 0x0ab16f30;
/** The data area spans bytes 32..507. */
export const UF2_MAX_PAYLOAD_BYTES = 476;
const DATA_OFFSET = 32;
const END_OFFSET = 508;

export const Uf2Flag = {
  /** Not for main flash: a flasher skips the block. */
  NOT_MAIN_FLASH: 0x0000_0001,
  FILE_CONTAINER: 0x0000_1000,
  /** Word 28 holds a family id; a board ignores blocks of other families. */
  FAMILY_ID_PRESENT: 0x0000_2000,
  MD5_PRESENT: 0x0000_4000,
  EXTENSION_TAGS_PRESENT: 0x0000_8000,
} as const;

/** One decoded block. Bytes of the data area beyond the payload (padding, MD5, tags) are not kept. */
export interface Uf2Block {
  flags: number;
  targetAddress: number;
  blockNumber: number;
  blockCount: number;
  /** Word 28: the family id when FAMILY_ID_PRESENT is set, else the file size (file containers) or 0. */
  familyIdOrFileSize: number;
  payload: Uint8Array;
}

/** The block's family id, or undefined when the block does not carry one. */
export function familyIdOf(block: Uf2Block): number | undefined {
  return (block.flags & Uf2Flag.FAMILY_ID_PRESENT) !== 0 ? block.familyIdOrFileSize : undefined;
}

/**
 * Decodes one 512-byte block, checking both start magics, the end magic, payload size ≤ 476 and
 * block number < number of blocks. Anything else is FIRMWARE_FILE_INVALID naming the field.
 */
export function decodeUf2Block(bytes: Uint8Array, blockIndex = 0): Uf2Block {
  const fail = (message: string, details: Record<string, unknown> = {}): AppError =>
    new AppError('FIRMWARE_FILE_INVALID', `UF2 block ${blockIndex}: ${message}`, {
      details: { format: 'uf2', blockIndex, ...details },
    });
  if (bytes.length !== UF2_BLOCK_BYTES) throw fail(`has ${bytes.length} bytes, expected ${UF2_BLOCK_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, UF2_BLOCK_BYTES);
  const word = (offset: number): number => view.getUint32(offset, true);
  if (word(0) !== UF2_MAGIC_START0 || word(4) !== UF2_MAGIC_START1) throw fail('start magic is wrong');
  if (word(END_OFFSET) !== UF2_MAGIC_END) throw fail('end magic is wrong');
  const payloadSize = word(16);
  if (payloadSize > UF2_MAX_PAYLOAD_BYTES)
    throw fail(`payload size ${payloadSize} exceeds ${UF2_MAX_PAYLOAD_BYTES}`, { payloadSize });
  const blockNumber = word(20);
  const blockCount = word(24);
  if (blockNumber >= blockCount)
    throw fail(`block number ${blockNumber} is not below the block count ${blockCount}`, {
      blockNumber,
      blockCount,
    });
  return {
    flags: word(8),
    targetAddress: word(12),
    blockNumber,
    blockCount,
    familyIdOrFileSize: word(28),
    payload: bytes.slice(DATA_OFFSET, DATA_OFFSET + payloadSize),
  };
}

/** Encodes one block; the data area after the payload is zero. */
export function encodeUf2Block(block: Uf2Block): Uint8Array {
  if (block.payload.length > UF2_MAX_PAYLOAD_BYTES)
    throw new AppError(
      'INVALID_INPUT',
      `UF2 payload of ${block.payload.length} bytes exceeds ${UF2_MAX_PAYLOAD_BYTES}`,
    );
  if (block.blockNumber >= block.blockCount)
    throw new AppError(
      'INVALID_INPUT',
      `UF2 block number ${block.blockNumber} is not below the block count ${block.blockCount}`,
    );
  const bytes = new Uint8Array(UF2_BLOCK_BYTES);
  const view = new DataView(bytes.buffer);
  const fields = [
    UF2_MAGIC_START0,
    UF2_MAGIC_START1,
    block.flags,
    block.targetAddress,
    block.payload.length,
    block.blockNumber,
    block.blockCount,
    block.familyIdOrFileSize,
  ];
  fields.forEach((value, index) => view.setUint32(index * 4, value >>> 0, true));
  bytes.set(block.payload, DATA_OFFSET);
  view.setUint32(END_OFFSET, UF2_MAGIC_END, true);
  return bytes;
}

/** Decodes a whole .uf2 file: a whole number of blocks, each valid. */
export function decodeUf2File(file: Uint8Array): Uf2Block[] {
  if (file.length === 0 || file.length % UF2_BLOCK_BYTES !== 0) {
    throw new AppError(
      'FIRMWARE_FILE_INVALID',
      `UF2 file length ${file.length} is not a positive multiple of ${UF2_BLOCK_BYTES}`,
      {
        details: { format: 'uf2', lengthBytes: file.length },
      },
    );
  }
  const blocks: Uf2Block[] = [];
  for (let offset = 0; offset < file.length; offset += UF2_BLOCK_BYTES) {
    blocks.push(decodeUf2Block(file.subarray(offset, offset + UF2_BLOCK_BYTES), offset / UF2_BLOCK_BYTES));
  }
  return blocks;
}
