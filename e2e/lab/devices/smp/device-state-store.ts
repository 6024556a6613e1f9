import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Who the device is; written once when the state folder is created (protocols.md §7 reads it). */
export interface DeviceIdentity {
  /** The chip's unique id, hex. */
  hardwareId: string;
  serialNumber: string;
  model: string;
}

/** MCUboot's persistent view (protocols.md §1 image state): what happens at the next reset. */
export interface BootRecord {
  bootCount: number;
  /** Set by image state write on the secondary slot: swap it in at the next reset, for test or for good. */
  swapRequest: 'none' | 'test' | 'permanent';
  /** Running a test image that has not been confirmed: the next reset swaps back. */
  isRevertPending: boolean;
  /**
   * MCUboot's hardware security counter (protocols.md §2, anti-rollback): raised to the running image's
   * security-counter TLV once that image is confirmed; with `no-downgrade` a lower image never boots.
   */
  securityCounter: number;
}

const NEW_BOOT_RECORD: BootRecord = {
  bootCount: 0,
  swapRequest: 'none',
  isRevertPending: false,
  securityCounter: 0,
};

const SLOT_COUNT = 2;

/**
 * A lab device's persistent state in one folder: `identity.json`, `boot.json`, `settings.json` and the
 * flash slots as `slot-0.bin` (primary) and `slot-1.bin` (secondary). An erased slot has no file.
 * The identity group's keys (`credentials/`, credential-store.ts) and the file system (`fs/`,
 * lab-file-system.ts) live in the same folder.
 * Restarting the lab on the same folder brings the device back as it was, like power-cycling hardware.
 */
export class DeviceStateStore {
  readonly folder: string;
  identity: DeviceIdentity;
  boot: BootRecord;

  private constructor(folder: string, identity: DeviceIdentity, boot: BootRecord) {
    this.folder = folder;
    this.identity = identity;
    this.boot = boot;
  }

  /** Opens the folder, creating it with this identity and factory image when it is new. */
  static async open(
    folder: string,
    fresh: { identity: DeviceIdentity; factoryImage: () => Uint8Array },
  ): Promise<DeviceStateStore> {
    await mkdir(folder, { recursive: true });
    const identity = await readJson<DeviceIdentity>(join(folder, 'identity.json'));
    const boot = await readJson<BootRecord>(join(folder, 'boot.json'));
    // Fields added since a folder was created take their new-device values.
    const store = new DeviceStateStore(folder, identity ?? fresh.identity, { ...NEW_BOOT_RECORD, ...boot });
    if (!identity) {
      await writeJsonAtomically(join(folder, 'identity.json'), store.identity);
      await writeFile(store.#slotPath(0), fresh.factoryImage());
    }
    if (!boot) await store.saveBoot();
    return store;
  }

  async saveBoot(): Promise<void> {
    await writeJsonAtomically(join(this.folder, 'boot.json'), this.boot);
  }

  /** Settings persisted by settings save (values base64 in the file). */
  async readSavedSettings(): Promise<Map<string, Uint8Array>> {
    const saved = (await readJson<Record<string, string>>(join(this.folder, 'settings.json'))) ?? {};
    return new Map(
      Object.entries(saved).map(([name, value]) => [name, new Uint8Array(Buffer.from(value, 'base64'))]),
    );
  }

  async saveSettings(settings: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const record = Object.fromEntries(
      [...settings].map(([name, value]) => [name, Buffer.from(value).toString('base64')]),
    );
    await writeJsonAtomically(join(this.folder, 'settings.json'), record);
  }

  /** Erasing the storage partition (group 63) or zeroize leaves no saved setting. */
  async eraseSavedSettings(): Promise<void> {
    await rm(join(this.folder, 'settings.json'), { force: true });
  }

  /** The slot's bytes, or undefined when erased. */
  async readSlot(slot: number): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.#slotPath(slot)));
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async writeSlot(slot: number, offset: number, bytes: Uint8Array): Promise<void> {
    const handle = await open(this.#slotPath(slot), offset === 0 ? 'w' : 'r+');
    try {
      await handle.write(bytes, 0, bytes.length, offset);
    } finally {
      await handle.close();
    }
  }

  async eraseSlot(slot: number): Promise<void> {
    await rm(this.#slotPath(slot), { force: true });
  }

  /** Exchanges primary and secondary, as MCUboot's swap does. */
  async swapSlots(): Promise<void> {
    const scratch = join(this.folder, 'slot-scratch.bin');
    await rm(scratch, { force: true });
    await renameIfPresent(this.#slotPath(0), scratch);
    await renameIfPresent(this.#slotPath(1), this.#slotPath(0));
    await renameIfPresent(scratch, this.#slotPath(1));
  }

  #slotPath(slot: number): string {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new Error(`no slot ${slot}`);
    return join(this.folder, `slot-${slot}.bin`);
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
