import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What survives a power cycle besides the flash bytes. */
export interface DfuBootRecord {
  bootCount: number;
  /** Bytes of the last image that completed manifestation; 0 when flash holds no valid application. */
  imageBytes: number;
  /** SHA-256 of that image, hex; what the run-time firmware reports about itself. */
  imageSha256: string;
  /** False from the first block of a download until its manifestation: an interrupted flash boots the bootloader. */
  isImageValid: boolean;
}

/**
 * One lab DFU device's persistent state in a folder: `identity.json`, `boot.json` and `flash.bin`
 * (what has been programmed; bytes never written read as erased 0xFF). Restarting on the same folder
 * brings the device back as it was, like power-cycling hardware.
 */
export class DfuLabStateStore {
  #saves: Promise<void> = Promise.resolve();

  private constructor(
    readonly folder: string,
    readonly serialNumber: string,
    public boot: DfuBootRecord,
  ) {}

  static async open(folder: string, serialNumber: string): Promise<DfuLabStateStore> {
    await mkdir(folder, { recursive: true });
    const identity = await readJson<{ serialNumber: string }>(join(folder, 'identity.json'));
    if (identity === undefined) await writeJsonAtomically(join(folder, 'identity.json'), { serialNumber });
    const boot = (await readJson<DfuBootRecord>(join(folder, 'boot.json'))) ?? {
      bootCount: 0,
      imageBytes: 0,
      imageSha256: '',
      isImageValid: false,
    };
    const store = new DfuLabStateStore(folder, identity?.serialNumber ?? serialNumber, boot);
    await store.saveBoot();
    return store;
  }

  /** Saves the boot record; saves run one after another so the last one written is the newest. */
  saveBoot(): Promise<void> {
    const snapshot = { ...this.boot };
    const saved = this.#saves.then(() => writeJsonAtomically(join(this.folder, 'boot.json'), snapshot));
    this.#saves = saved.catch(() => undefined);
    return saved;
  }

  async program(offset: number, bytes: Uint8Array): Promise<void> {
    const handle = await open(this.#flashPath, 'r+').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return open(this.#flashPath, 'w+');
      throw error;
    });
    try {
      await handle.write(bytes, 0, bytes.length, offset);
    } finally {
      await handle.close();
    }
  }

  /** `lengthBytes` of flash from `offset`, 0xFF where nothing was programmed. */
  async read(offset: number, lengthBytes: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(lengthBytes).fill(0xff);
    const stored = await readFile(this.#flashPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    bytes.set(stored.subarray(offset, offset + lengthBytes));
    return bytes;
  }

  /** The application image as the run-time firmware sees it. */
  async readImage(): Promise<Uint8Array> {
    return this.read(0, this.boot.imageBytes);
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  get #flashPath(): string {
    return join(this.folder, 'flash.bin');
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
