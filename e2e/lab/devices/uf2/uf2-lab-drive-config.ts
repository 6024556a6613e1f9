/** Everything that makes one lab UF2 bootloader drive what it is (protocols.md §4). */
export interface Uf2LabDriveConfig {
  /** Folder the drive is mounted under, like /media/<user>; the drive is `<mountRoot>/<volumeLabel>`. */
  mountRoot: string;
  volumeLabel: string;
  /** Folder holding identity, boot count and flash; the drive comes back from it as it was. */
  stateDir: string;
  /** INFO_UF2.TXT lines. */
  bootloaderBanner: string;
  model: string;
  boardId: string;
  /** Written as a `Serial:` line when set (not every bootloader has one). */
  serialNumber?: string;
  /** Blocks of other families are ignored. */
  familyId: number;
  /** Flash address of flash.bin's first byte; blocks outside [base, base + flashBytes) are ignored. */
  baseAddress: number;
  flashBytes: number;
  /** Time between the drive vanishing after a complete copy and coming back. */
  bootTimeMs: number;
  /** Write an INFO_UF2.TXT that is not one (for adapters' skip-with-reason path). */
  hasMalformedInfo: boolean;
  /** Faults, each firing once per drive start. */
  faults?: Uf2LabFaults;
}

/** What cables and users do to a UF2 drive mid-copy. */
export interface Uf2LabFaults {
  /** Pull the cable once this many blocks of a copy have been programmed (the copy is left incomplete). */
  unplugAfterBlocks?: number;
}

/** An RP2040-like board: family 0xe48bff56, flash at 0x10000000. */
export const UF2_LAB_DEFAULTS = {
  volumeLabel: 'FLDLAB',
  bootloaderBanner: 'UF2 Bootloader v3.0 Fieldline Lab',
  model: 'Fieldline Lab RP2040',
  boardId: 'RP2040-FieldlineLab-v1',
  familyId: 0xe48bff56,
  baseAddress: 0x1000_0000,
  flashBytes: 256 * 1024,
  bootTimeMs: 20,
  hasMalformedInfo: false,
} satisfies Partial<Uf2LabDriveConfig>;

export type Uf2LabDriveOptions = Pick<Uf2LabDriveConfig, 'mountRoot' | 'stateDir'> &
  Partial<Uf2LabDriveConfig>;

export function uf2LabConfig(options: Uf2LabDriveOptions): Uf2LabDriveConfig {
  return { ...UF2_LAB_DEFAULTS, ...options };
}
