/**
 * The lab bootloader's own reading and writing of UF2 blocks (protocols.md §4), kept apart from the
 * core's codec so that each checks the other. A 512-byte sector whose magics do not match is simply
 * not a UF2 block, as for a real bootloader that sees every sector the host writes.
 */
export interface LabUf2Block {
  flags: number;
  targetAddress: number;
  blockNumber: number;
  blockCount: number;
  familyId: number | undefined;
  payload: Uint8Array;
}

const FAMILY_ID_PRESENT = 0x2000;
export const NOT_MAIN_FLASH = 0x1;

export function readLabBlock(sector: Uint8Array): LabUf2Block | undefined {
  if (sector.length !== 512) return undefined;
  const view = new DataView(sector.buffer, sector.byteOffset, 512);
  const word = (offset: number): number => view.getUint32(offset, true);
  if (word(0) !== 0x0a324655 || word(4) !== 0x9e5d5157 || word(508) !== 0x0ab16f30) return undefined;
  const payloadSize = word(16);
  if (payloadSize > 476 || word(20) >= word(24)) return undefined;
  return {
    flags: word(8),
    targetAddress: word(12),
    blockNumber: word(20),
    blockCount: word(24),
    familyId: (word(8) & FAMILY_ID_PRESENT) !== 0 ? word(28) : undefined,
    payload: sector.slice(32, 32 + payloadSize),
  };
}

/** CURRENT.UF2: the flash contents as 256-byte blocks of this family, from `baseAddress`. */
export function writeCurrentUf2(flash: Uint8Array, familyId: number, baseAddress: number): Uint8Array {
  const blockCount = Math.max(1, Math.ceil(flash.length / 256));
  const file = new Uint8Array(blockCount * 512);
  const view = new DataView(file.buffer);
  for (let index = 0; index < blockCount; index += 1) {
    const offset = index * 512;
    const words = [
      0x0a324655,
      0x9e5d5157,
      FAMILY_ID_PRESENT,
      baseAddress + index * 256,
      256,
      index,
      blockCount,
      familyId,
    ];
    words.forEach((value, position) => view.setUint32(offset + position * 4, value, true));
    const payload = new Uint8Array(256).fill(0xff);
    payload.set(flash.subarray(index * 256, index * 256 + 256));
    file.set(payload, offset + 32);
    view.setUint32(offset + 508, 0x0ab16f30, true);
  }
  return file;
}
