import type { Disposable } from '../event-bus';
import type { Logger } from '../ports/logger';
import type { DriveWatcher, Uf2Drive } from '../ports/drive-watcher';
import type { DeviceRegistry } from './device-registry';
import { sightingFromUf2Drive } from './drive-sighting';

type SightingSink = Pick<DeviceRegistry, 'report' | 'lost'>;

/**
 * Drive discovery: each UF2 bootloader drive the watcher finds (protocols.md §4) becomes a `drive`
 * sighting at its folder, reported when it appears and lost when it disappears. A board that reboots
 * after a copy vanishes and comes back within the registry's grace period, so it does not flicker.
 * Folders with a malformed INFO_UF2.TXT never get here: the watcher skips them and logs the reason.
 *
 * Only a drive whose INFO_UF2.TXT names a serial is listed: `Board-ID` is shared by every unit of a
 * board type (drive-sighting.ts), and a folder name says where a drive is mounted, not which unit it is.
 */
export class DriveDiscovery {
  readonly #watcher: DriveWatcher;
  readonly #registry: SightingSink;
  readonly #logger: Logger;
  /** Drives reported now, by folder, with the INFO_UF2.TXT they were reported with. */
  readonly #reported = new Map<string, string>();
  #subscriptions: Disposable[] = [];
  #starting: Promise<void> | undefined;
  #isStopped = false;

  constructor(watcher: DriveWatcher, registry: SightingSink, logger: Logger) {
    this.#watcher = watcher;
    this.#registry = registry;
    this.#logger = logger;
  }

  /** Subscribes to the watcher and reports the drives mounted now; never rejects (a failure is logged). */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /** Folders of the drives reported now, for diagnostics and tests. */
  reportedFolders(): string[] {
    return [...this.#reported.keys()].sort();
  }

  /** Stops listening and reports every drive sighting lost; the watcher itself belongs to the caller. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    await this.#starting;
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    for (const folder of this.#reported.keys()) this.#registry.lost('drive', folder);
    this.#reported.clear();
  }

  async #start(): Promise<void> {
    // Subscribe before listing, so that a drive mounted in between is not missed.
    this.#subscriptions.push(
      this.#watcher.onAppear((drive) => this.#appeared(drive)),
      this.#watcher.onDisappear((drive) => this.#disappeared(drive)),
    );
    try {
      for (const drive of await this.#watcher.list()) this.#appeared(drive);
    } catch (error: unknown) {
      this.#logger.warn({ err: error }, 'could not list UF2 drives; relying on appear events');
    }
    if (!this.#isStopped) this.#logger.info({ drives: this.#reported.size }, 'drive discovery started');
  }

  #appeared(drive: Uf2Drive): void {
    if (this.#isStopped) return;
    const info = JSON.stringify(drive.info);
    // The listing at start-up and the first appear event can name the same mount.
    if (this.#reported.get(drive.folder) === info) return;
    const report = sightingFromUf2Drive(drive);
    const deviceId = this.#registry.report(report);
    this.#reported.set(drive.folder, info);
    const fields = { folder: drive.folder, model: drive.info.model, boardId: drive.info.boardId, deviceId };
    if (deviceId === null) {
      this.#logger.warn(
        fields,
        'UF2 drive without a serial line in INFO_UF2.TXT: cannot tell which unit it is, not listed',
      );
    } else {
      // The watcher logs each appearance and disappearance already; this line adds what it became.
      this.#logger.debug(fields, 'UF2 drive reported');
    }
  }

  #disappeared(drive: Uf2Drive): void {
    if (this.#isStopped || !this.#reported.delete(drive.folder)) return;
    this.#registry.lost('drive', drive.folder);
    this.#logger.debug({ folder: drive.folder }, 'UF2 drive reported lost');
  }
}
