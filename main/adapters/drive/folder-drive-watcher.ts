import { watch, type FSWatcher } from 'node:fs';
import type { Disposable } from '../../core/event-bus';
import type { Logger } from '../../core/ports/logger';
import type { DriveWatcher, Uf2Drive } from '../../core/ports/drive-watcher';
import { candidateFolders, configuredRoot, LINUX_MOUNT_ROOTS, type DriveRoot } from './drive-roots';
import { readUf2Drive } from './read-uf2-drive';

export interface FolderDriveWatcherOptions {
  /** Folders that are drives themselves or hold drives one level down (e.g. the lab's mount root). */
  folders: string[];
  /** Also watch /media and /run/media (default: on Linux). */
  includeSystemMounts?: boolean;
  /** Rescan period; file-system events trigger an earlier scan. 250 ms keeps discovery within quality.md's 500 ms. */
  pollIntervalMs?: number;
  logger: Logger;
}

/**
 * Finds UF2 bootloader drives (protocols.md §4) by scanning the roots for folders with an
 * INFO_UF2.TXT, on every file-system event at a root and at least every `pollIntervalMs` (mounts
 * under /media are not always reported by fs.watch). A folder whose INFO_UF2.TXT is malformed is
 * skipped and the reason logged once, until it changes.
 */
export class FolderDriveWatcher implements DriveWatcher {
  readonly #roots: DriveRoot[];
  readonly #logger: Logger;
  readonly #known = new Map<string, { drive: Uf2Drive; mountIdentity: string }>();
  readonly #skipped = new Map<string, string>();
  readonly #appear = new Set<(drive: Uf2Drive) => void>();
  readonly #disappear = new Set<(drive: Uf2Drive) => void>();
  readonly #watchers: FSWatcher[] = [];
  readonly #timer: NodeJS.Timeout;
  #scan: Promise<void>;
  #isClosed = false;

  constructor(options: FolderDriveWatcherOptions) {
    const includeSystem = options.includeSystemMounts ?? process.platform === 'linux';
    this.#roots = [...options.folders.map(configuredRoot), ...(includeSystem ? LINUX_MOUNT_ROOTS : [])];
    this.#logger = options.logger.child({ component: 'drive-watcher' });
    for (const root of this.#roots) this.#watchRoot(root.path);
    this.#timer = setInterval(() => this.#requestScan(), options.pollIntervalMs ?? 250);
    this.#timer.unref();
    this.#scan = this.#scanOnce().catch((error: unknown) => this.#scanFailed(error));
  }

  async list(): Promise<Uf2Drive[]> {
    this.#requestScan();
    await this.#scan;
    return [...this.#known.values()].map((entry) => entry.drive);
  }

  onAppear(listener: (drive: Uf2Drive) => void): Disposable {
    this.#appear.add(listener);
    return { dispose: () => this.#appear.delete(listener) };
  }

  onDisappear(listener: (drive: Uf2Drive) => void): Disposable {
    this.#disappear.add(listener);
    return { dispose: () => this.#disappear.delete(listener) };
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    clearInterval(this.#timer);
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    await this.#scan;
    this.#appear.clear();
    this.#disappear.clear();
  }

  #watchRoot(path: string): void {
    try {
      const watcher = watch(path, () => this.#requestScan());
      watcher.on('error', () => watcher.close());
      this.#watchers.push(watcher);
    } catch {
      // The root does not exist (yet): polling still finds drives once it does.
    }
  }

  #requestScan(): void {
    if (this.#isClosed) return;
    this.#scan = this.#scan.then(() => this.#scanOnce()).catch((error: unknown) => this.#scanFailed(error));
  }

  /** A listener that throws must not stop discovery: log it and keep scanning. */
  #scanFailed(error: unknown): void {
    this.#logger.error(
      { error: error instanceof Error ? error.message : String(error) },
      'drive scan failed',
    );
  }

  async #scanOnce(): Promise<void> {
    if (this.#isClosed) return;
    const seen = new Map<string, { drive: Uf2Drive; mountIdentity: string }>();
    for (const root of this.#roots) {
      for (const folder of await candidateFolders(root)) {
        const verdict = await readUf2Drive(folder);
        if (verdict.kind === 'uf2')
          seen.set(folder, { drive: verdict.drive, mountIdentity: verdict.mountIdentity });
        if (verdict.kind === 'malformed') this.#skip(folder, verdict.reason, verdict.mountIdentity);
        if (verdict.kind !== 'malformed') this.#skipped.delete(folder);
      }
    }
    if (this.#isClosed) return;
    for (const [folder, entry] of this.#known) {
      if (seen.get(folder)?.mountIdentity === entry.mountIdentity) continue;
      this.#known.delete(folder);
      this.#logger.info({ folder }, 'UF2 drive disappeared');
      for (const listener of [...this.#disappear]) listener(entry.drive);
    }
    for (const [folder, entry] of seen) {
      if (this.#known.has(folder)) continue;
      this.#known.set(folder, entry);
      this.#logger.info({ folder, model: entry.drive.info.model }, 'UF2 drive appeared');
      for (const listener of [...this.#appear]) listener(entry.drive);
    }
  }

  #skip(folder: string, reason: string, mountIdentity: string): void {
    const key = `${reason}\n${mountIdentity}`;
    if (this.#skipped.get(folder) === key) return;
    this.#skipped.set(folder, key);
    this.#logger.warn({ folder, reason }, 'skipping a drive whose INFO_UF2.TXT is malformed');
  }
}
