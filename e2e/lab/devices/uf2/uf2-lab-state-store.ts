import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One lab UF2 board's persistent state: `boot.json` (boot count) and `flash.bin` (programmed bytes
 * from the base address; never-written bytes read as erased 0xFF). Reopening the folder brings the
 * board back as it was.
 */
export class Uf2LabStateStore {
  #saves: Promise<void> = Promise.resolve();

  private constructor(
    readonly folder: string,
    public bootCount: number,
  ) {}

  static async open(folder: string): Promise<Uf2LabStateStore> {
    await mkdir(folder, { recursive: true });
    const boot = await readFile(join(folder, 'boot.json'), 'utf8').then(
      (text) => JSON.parse(text) as { bootCount: number },
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return { bootCount: 0 };
        throw error;
      },
    );
    return new Uf2LabStateStore(folder, boot.bootCount);
  }

  /** Counts a boot and saves it; saves run in order. */
  recordBoot(): Promise<void> {
    this.bootCount += 1;
    const record = `${JSON.stringify({ bootCount: this.bootCount })}\n`;
    const path = join(this.folder, 'boot.json');
    const saved = this.#saves.then(async () => {
      await writeFile(`${path}.tmp`, record);
      await rename(`${path}.tmp`, path);
    });
    this.#saves = saved.catch(() => undefined);
    return saved;
  }

  async program(offset: number, bytes: Uint8Array): Promise<void> {
    const path = join(this.folder, 'flash.bin');
    const handle = await open(path, 'r+').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return open(path, 'w+');
      throw error;
    });
    try {
      const { size } = await handle.stat();
      // Bytes between the old end and this write are erased flash, not zeros.
      if (offset > size) await handle.write(new Uint8Array(offset - size).fill(0xff), 0, offset - size, size);
      await handle.write(bytes, 0, bytes.length, offset);
    } finally {
      await handle.close();
    }
  }

  /** Everything programmed so far, from the base address. */
  async readFlash(): Promise<Uint8Array> {
    return readFile(join(this.folder, 'flash.bin')).then(
      (bytes) => new Uint8Array(bytes),
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return new Uint8Array(0);
        throw error;
      },
    );
  }
}
