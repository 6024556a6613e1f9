import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { ManualClock } from '../../test-support/manual-clock';
import type { Disposable } from '../event-bus';
import type { Logger } from '../ports/logger';
import type { DriveWatcher, Uf2Drive } from '../ports/drive-watcher';
import { DeviceRegistry, type RegistryChange } from './device-registry';
import { DriveDiscovery } from './drive-discovery';

/** A watcher in memory: what it lists, and appear/disappear fired by the test. */
class FakeDriveWatcher implements DriveWatcher {
  mounted: Uf2Drive[] = [];
  listError: AppError | null = null;
  readonly appear = new Set<(drive: Uf2Drive) => void>();
  readonly disappear = new Set<(drive: Uf2Drive) => void>();

  list(): Promise<Uf2Drive[]> {
    return this.listError === null ? Promise.resolve([...this.mounted]) : Promise.reject(this.listError);
  }
  onAppear(listener: (drive: Uf2Drive) => void): Disposable {
    this.appear.add(listener);
    return { dispose: () => this.appear.delete(listener) };
  }
  onDisappear(listener: (drive: Uf2Drive) => void): Disposable {
    this.disappear.add(listener);
    return { dispose: () => this.disappear.delete(listener) };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  mount(drive: Uf2Drive): void {
    this.mounted.push(drive);
    for (const listener of [...this.appear]) listener(drive);
  }
  unmount(drive: Uf2Drive): void {
    this.mounted = this.mounted.filter((other) => other.folder !== drive.folder);
    for (const listener of [...this.disappear]) listener(drive);
  }
}

function drive(folder: string, serialNumber?: string): Uf2Drive {
  const info = {
    banner: 'UF2 Bootloader v3.0',
    model: 'Fieldline Lab RP2040',
    boardId: 'RP2040-FieldlineLab-v1',
    fields: {},
    ...(serialNumber === undefined ? {} : { serialNumber }),
  };
  return { folder, info };
}

interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(entries: LogEntry[]): Logger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    entries.push({ level, message, fields });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

let discovery: DriveDiscovery | undefined;
afterEach(async () => {
  await discovery?.stop();
  discovery = undefined;
});

function setUp() {
  const clock = new ManualClock(0);
  const registry = new DeviceRegistry(clock, 1_000);
  const watcher = new FakeDriveWatcher();
  const log: LogEntry[] = [];
  const changes: RegistryChange[] = [];
  registry.onChanged((change) => changes.push(change));
  discovery = new DriveDiscovery(watcher, registry, recordingLogger(log));
  return { clock, registry, watcher, log, changes, discovery };
}

describe('DriveDiscovery', () => {
  it('reports mounted and newly mounted UF2 drives as drive sightings keyed by their INFO_UF2.TXT serial', async () => {
    const { registry, watcher, changes, discovery } = setUp();
    watcher.mounted = [drive('/media/u/FLDLAB', 'E660-0001')];
    await discovery.start();
    watcher.mount(drive('/media/u/FLDLAB2', 'E660-0002'));
    expect(registry.list()).toMatchObject([
      {
        id: 'serial:E660-0001',
        model: 'Fieldline Lab RP2040',
        serial: 'E660-0001',
        sightings: [{ transport: 'drive', address: '/media/u/FLDLAB', protocol: 'uf2' }],
      },
      { id: 'serial:E660-0002', sightings: [{ address: '/media/u/FLDLAB2' }] },
    ]);
    // The same mount announced again (listing, then the first appear event) is not news.
    watcher.mount(drive('/media/u/FLDLAB', 'E660-0001'));
    expect(changes).toHaveLength(2);
    expect(discovery.reportedFolders()).toEqual(['/media/u/FLDLAB', '/media/u/FLDLAB2']);
  });

  it('reports a vanished drive lost; a reboot within the grace period keeps it listed, a longer absence removes it', async () => {
    const { clock, registry, watcher, changes, discovery } = setUp();
    const mounted = drive('/media/u/FLDLAB', 'E660-0001');
    await discovery.start();
    watcher.mount(mounted);
    // A copy completes: the board reboots, the drive vanishes and comes back.
    watcher.unmount(mounted);
    clock.advance(300);
    watcher.mount(mounted);
    clock.advance(5_000);
    registry.expire();
    expect(registry.list().map((device) => device.id)).toEqual(['serial:E660-0001']);
    watcher.unmount(mounted);
    clock.advance(1_000);
    registry.expire();
    expect(registry.list()).toEqual([]);
    expect(changes.at(-1)).toEqual({ upserted: [], removedIds: ['serial:E660-0001'] });
  });

  it('warns about a drive without a serial line and does not list it (Board-ID names a board type, not a unit)', async () => {
    const { registry, watcher, log, discovery } = setUp();
    await discovery.start();
    watcher.mount(drive('/media/u/RPI-RP2'));
    expect(registry.list()).toEqual([]);
    expect(log.filter((entry) => entry.level === 'warn')).toMatchObject([
      {
        message: expect.stringContaining('without a serial line') as unknown,
        fields: { folder: '/media/u/RPI-RP2', boardId: 'RP2040-FieldlineLab-v1' },
      },
    ]);
  });

  it('logs a failed listing and still follows appear events', async () => {
    const { registry, watcher, log, discovery } = setUp();
    watcher.listError = new AppError('PORT_UNAVAILABLE', 'cannot read /media');
    await discovery.start();
    watcher.mount(drive('/media/u/FLDLAB', 'E660-0001'));
    expect(registry.list()).toHaveLength(1);
    expect(log.find((entry) => entry.level === 'warn')?.message).toContain('could not list UF2 drives');
  });

  it('stop() unsubscribes and reports every drive lost', async () => {
    const { clock, registry, watcher, discovery } = setUp();
    watcher.mounted = [drive('/media/u/FLDLAB', 'E660-0001')];
    await discovery.start();
    await discovery.stop();
    expect(watcher.appear.size + watcher.disappear.size).toBe(0);
    clock.advance(1_000);
    registry.expire();
    expect(registry.list()).toEqual([]);
  });
});
