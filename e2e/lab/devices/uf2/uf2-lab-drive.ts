import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Uf2BlockAccounting, type BlockVerdict } from './uf2-block-accounting';
import {
  BOOTLOADER_FILES,
  CURRENT_FILE,
  INDEX_FILE,
  INFO_FILE,
  indexHtm,
  infoUf2Text,
} from './uf2-drive-files';
import { readLabBlock, writeCurrentUf2 } from './uf2-lab-blocks';
import { uf2LabConfig, type Uf2LabDriveConfig, type Uf2LabDriveOptions } from './uf2-lab-drive-config';
import { Uf2LabStateStore } from './uf2-lab-state-store';

/** How often the drive looks for written sectors when no file-system event arrives (events are the fast path). */
const SCAN_INTERVAL_MS = 50;

/**
 * A simulated UF2 bootloader drive (protocols.md §4): a folder under `mountRoot` that appears
 * (atomically, like a mount) with INFO_UF2.TXT, INDEX.HTM and CURRENT.UF2. Every 512-byte sector
 * written into any other file is examined as a real bootloader examines sectors: UF2 blocks of its
 * family within flash are programmed into the state folder and counted by block number. When all
 * blocks of the copy are in, it "reboots": the folder vanishes, and after bootTimeMs comes back
 * with CURRENT.UF2 holding the new firmware.
 */
export class Uf2LabDrive {
  readonly folder: string;
  readonly verdicts = new Map<BlockVerdict, number>();
  completedCopies = 0;
  /** Errors the simulation itself hit; tests assert it stays empty. */
  readonly faults: string[] = [];
  readonly #accounting: Uf2BlockAccounting;
  readonly #consumedBytes = new Map<string, number>();
  #isMounted = false;
  #isStopped = false;
  #blocksProgrammed = 0;
  #hasUnpluggedOnce = false;
  #watcher: FSWatcher | undefined;
  #scanTimer: NodeJS.Timeout | undefined;
  #bootTimer: NodeJS.Timeout | undefined;
  #scan: Promise<void> = Promise.resolve();
  #pending: Promise<void> = Promise.resolve();

  private constructor(
    readonly config: Uf2LabDriveConfig,
    readonly store: Uf2LabStateStore,
  ) {
    this.folder = join(config.mountRoot, config.volumeLabel);
    this.#accounting = new Uf2BlockAccounting(config);
  }

  /** Opens the state folder and mounts the drive. */
  static async start(options: Uf2LabDriveOptions): Promise<Uf2LabDrive> {
    const drive = new Uf2LabDrive(uf2LabConfig(options), await Uf2LabStateStore.open(options.stateDir));
    await drive.plugIn();
    return drive;
  }

  get isMounted(): boolean {
    return this.#isMounted;
  }

  /** Powers the board in bootloader mode: the drive appears. */
  async plugIn(): Promise<void> {
    if (this.#isMounted || this.#isStopped) return;
    await this.store.recordBoot();
    const staging = join(this.config.mountRoot, `.${this.config.volumeLabel}.mounting`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, INFO_FILE), infoUf2Text(this.config));
    await writeFile(join(staging, INDEX_FILE), indexHtm(this.config));
    await writeFile(
      join(staging, CURRENT_FILE),
      writeCurrentUf2(await this.store.readFlash(), this.config.familyId, this.config.baseAddress),
    );
    await rename(staging, this.folder);
    this.#isMounted = true;
    this.#watcher = watch(this.folder, () => this.#requestScan());
    this.#watcher.on('error', () => undefined);
    this.#scanTimer = setInterval(() => this.#requestScan(), SCAN_INTERVAL_MS);
  }

  /** Pulls the cable: the drive vanishes at once, whatever was being copied. */
  async unplug(): Promise<void> {
    clearTimeout(this.#bootTimer);
    await this.#unmount();
  }

  /** Unmounts for good and waits for work in flight; the state folder stays. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    await this.unplug();
    await this.#scan;
    await this.#pending;
    await this.#unmount();
  }

  async #unmount(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    clearInterval(this.#scanTimer);
    if (!this.#isMounted) return;
    this.#isMounted = false;
    this.#accounting.reset();
    this.#consumedBytes.clear();
    const leaving = join(this.config.mountRoot, `.${this.config.volumeLabel}.unmounted`);
    await rm(leaving, { recursive: true, force: true });
    await rename(this.folder, leaving);
    await rm(leaving, { recursive: true, force: true });
  }

  #requestScan(): void {
    this.#scan = this.#scan.then(() => this.#scanOnce()).catch((error: unknown) => this.#recordFault(error));
  }

  async #scanOnce(): Promise<void> {
    if (!this.#isMounted) return;
    const names = await readdir(this.folder).catch(() => [] as string[]);
    for (const name of names.filter((candidate) => !BOOTLOADER_FILES.has(candidate.toUpperCase()))) {
      const bytes = await readFile(join(this.folder, name)).catch(() => undefined);
      if (bytes === undefined || !this.#isMounted) continue;
      let consumed = this.#consumedBytes.get(name) ?? 0;
      for (; consumed + 512 <= bytes.length; consumed += 512) {
        await this.#examineSector(new Uint8Array(bytes.subarray(consumed, consumed + 512)));
        if (this.#accounting.isComplete) return this.#rebootAfterCopy();
        if (this.#shouldUnplugNow()) return this.unplug();
      }
      this.#consumedBytes.set(name, consumed);
    }
  }

  async #examineSector(sector: Uint8Array): Promise<void> {
    const block = readLabBlock(sector);
    if (block === undefined) return;
    const verdict = this.#accounting.consider(block);
    this.verdicts.set(verdict, (this.verdicts.get(verdict) ?? 0) + 1);
    if (verdict === 'accepted' || verdict === 'duplicate') {
      await this.store.program(block.targetAddress - this.config.baseAddress, block.payload);
      this.#blocksProgrammed += 1;
    }
  }

  /** The `unplugAfterBlocks` fault: once per drive start, in the middle of the copy that crosses it. */
  #shouldUnplugNow(): boolean {
    const limit = this.config.faults?.unplugAfterBlocks;
    if (limit === undefined || this.#hasUnpluggedOnce || this.#blocksProgrammed < limit) return false;
    this.#hasUnpluggedOnce = true;
    return true;
  }

  /** All blocks are in: the board resets, the drive vanishes and comes back after booting. */
  async #rebootAfterCopy(): Promise<void> {
    this.completedCopies += 1;
    await this.#unmount();
    if (this.#isStopped) return;
    this.#bootTimer = setTimeout(() => {
      this.#pending = this.plugIn().catch((error: unknown) => this.#recordFault(error));
    }, this.config.bootTimeMs);
  }

  #recordFault(error: unknown): void {
    this.faults.push(error instanceof Error ? error.message : String(error));
  }

  /** Blocks counted with each verdict since start. */
  count(verdict: BlockVerdict): number {
    return this.verdicts.get(verdict) ?? 0;
  }
}
