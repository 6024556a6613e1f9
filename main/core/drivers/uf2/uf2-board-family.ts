import type { Uf2BootloaderInfo } from '../../ports/drive-watcher';

/** What a UF2 board accepts: blocks of its family, inside its flash (protocols.md §4). */
export interface Uf2BoardFamily {
  cpu: string;
  familyId: number;
  flash: { startAddress: number; sizeBytes: number };
}

/**
 * Families of the CPUs named in protocols.md §4, with the largest flash window each CPU family maps
 * (the exact size is the board's; its bootloader ignores blocks beyond it, and CURRENT.UF2 then fails
 * the verification). INFO_UF2.TXT names no family, but its `Board-ID` starts with the CPU type.
 */
const FAMILIES: readonly Uf2BoardFamily[] = [
  { cpu: 'RP2040', familyId: 0xe48bff56, flash: { startAddress: 0x1000_0000, sizeBytes: 16 * 1024 * 1024 } },
  { cpu: 'nRF52840', familyId: 0xada52840, flash: { startAddress: 0, sizeBytes: 1024 * 1024 } },
  { cpu: 'SAMD21', familyId: 0x68ed2b88, flash: { startAddress: 0, sizeBytes: 256 * 1024 } },
  { cpu: 'STM32F4', familyId: 0x57755a57, flash: { startAddress: 0x0800_0000, sizeBytes: 2 * 1024 * 1024 } },
  { cpu: 'ESP32S3', familyId: 0xc47e5767, flash: { startAddress: 0, sizeBytes: 16 * 1024 * 1024 } },
];

/** Raspberry Pi's own RP2040 bootloader says `Board-ID: RPI-RP2`. */
const BOARD_ID_ALIASES: Readonly<Record<string, string>> = { 'RPI-RP2': 'RP2040' };

/**
 * The family of a UF2 board from its INFO_UF2.TXT: an explicit `Family-ID:` line where a bootloader
 * writes one (hex), else the CPU token that starts `Board-ID`. Null when neither names a known CPU.
 */
export function uf2BoardFamily(info: Uf2BootloaderInfo): Uf2BoardFamily | null {
  const boardId = info.boardId?.trim() ?? '';
  const cpu = BOARD_ID_ALIASES[boardId.toUpperCase()] ?? boardId.split('-')[0] ?? '';
  const known = FAMILIES.find(
    (family) => family.cpu.toLowerCase() === cpu.replace(/[^A-Za-z0-9]/g, '').toLowerCase(),
  );
  const explicit = info.fields['Family-ID'];
  if (explicit !== undefined && /^(0x)?[0-9a-f]{1,8}$/i.test(explicit.trim())) {
    const familyId = Number.parseInt(explicit.trim().replace(/^0x/i, ''), 16);
    const byFamily = FAMILIES.find((family) => family.familyId === familyId);
    const flash = known?.flash ?? byFamily?.flash;
    return flash === undefined ? null : { cpu: known?.cpu ?? byFamily!.cpu, familyId, flash };
  }
  return known ?? null;
}
