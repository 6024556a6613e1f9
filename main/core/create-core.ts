import { join } from 'node:path';
import type { AppInfo, LedgerEvent } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { CommandHandlers } from './command-handlers';
import { DeviceDirectory } from './devices/device-directory';
import { recordDiscoveries } from './discovery/discovery-recorder';
import { DeviceRegistry } from './discovery/device-registry';
import { CoreEventBus } from './event-bus';
import { registryDeviceLocator } from './jobs/device-locator';
import type { FlashProtocol } from './jobs/flash-endpoint';
import type { FlashExecutor } from './jobs/flash-task';
import { JobService } from './jobs/job-service';
import { lineWorkWiring } from './line/line-work-wiring';
import { lineHandlers } from './line/line-handlers';
import { LineService } from './line/line-service';
import { JsonFileLineSettingsStore, type LineSettingsStore } from './line/line-settings';
import { ledgerSecurityCounter } from './jobs/job-records';
import { createFirmwareLibraryHandlers } from './firmware-library/firmware-library-handlers';
import type { TrustStore } from './firmware';
import { describeTrustStore } from './firmware/trust/describe-trust-store';
import { OperationService } from './operations/operation-service';
import { provisionHandlers } from './provisioning/provision-handlers';
import type { ProvisionPorts } from './provisioning/provision-ports';
import type { RetirementPorts } from './retirement/retire-device';
import { retireHandler } from './retirement/retire-handler';
import { listRecipes, type RecipeFolderSource } from './config/recipe-catalog';
import { identityHandlers, type IdentityPorts } from './identity/identity-handlers';
import { offlineCertificateSyncPorts } from './sync/offline-certificate-sync';
import { LedgerService, type AppendRequest } from './ledger/ledger-service';
import type { Clock } from './ports/clock';
import type { LedgerStore, StoredEvent } from './ports/ledger-store';
import type { Logger } from './ports/logger';
import type { FleetConnection } from './ports/fleet-connection';
import type { CatalogCache } from './ports/fleet-client';
import { revocationSyncPorts } from './sync/certificate-revocation-sync';
import { SyncScheduler } from './sync/sync-scheduler';
import { SyncStatusTracker } from './sync/sync-status-tracker';

export interface CorePorts {
  ledgerStore: LedgerStore;
  clock: Clock;
  logger: Logger;
  /** The link to the fleet server; absent in tools that never sync. */
  fleet?: FleetConnection;
  /** The station's copy of the fleet catalog; revalidated on every sync pass when given. */
  catalogCache?: CatalogCache;
  /** Runs flash jobs, one worker per port; absent in tools that never flash (jobs:start then fails). */
  flashExecutor?: FlashExecutor;
  /** Job settings: the station-wide limit on parallel jobs (default 16), the ledger actor, and whether
   * jobs a crash left unfinished are resumed at `start()` (default: recorded failed, `interrupted`). */
  jobs?: {
    maxParallelJobs?: number;
    actor?: string;
    resumeInterrupted?: boolean;
    /** The protocols a bundle has images for (host reads the file), to pick among a device's transports. */
    bundleProtocols?: (bundlePath: string) => readonly FlashProtocol[] | null;
  };
  /** The trust store the firmware library verifies imports with; absent in tools without one (firmware:import then fails). */
  firmwareTrustStore?: () => TrustStore;
  /** Factory station mode: given (station and desktop hosts), `start()` starts the line's auto-start on plug. */
  line?: { settings: LineSettingsStore };
  /** Device access over SMP and the station signing key; without it `devices:retire` is NOT_IMPLEMENTED. */
  retirement?: RetirementPorts;
  /** Device access and the certificate issuer; without it `identity:enroll` is NOT_IMPLEMENTED. */
  identity?: IdentityPorts;
  /** Device access, trust store and certificate issuer for recipes; without it `provision:*` is NOT_IMPLEMENTED. */
  provisioning?: ProvisionPorts;
  /** Recipe folders besides `<data dir>/recipes` (FIELDLINE_RECIPES, the shipped ones), for `recipes:list`. */
  recipeFolders?: readonly RecipeFolderSource[];
}

export interface CoreIdentity {
  host: AppInfo['host'];
  version: string;
  dataDir: string;
  platform: string;
}

export interface Core {
  readonly info: AppInfo;
  readonly ledger: LedgerService;
  readonly devices: DeviceDirectory;
  /** Where adapters report what they see; see main/core/discovery. */
  readonly registry: DeviceRegistry;
  readonly sync: SyncStatusTracker;
  readonly jobs: JobService;
  /** Factory station mode (main/core/line). */
  readonly line: LineService;
  /** Provisioning, enrollment and retirement: multi-step work on one device, recorded step by step. */
  readonly operations: OperationService;
  readonly events: CoreEventBus;
  readonly handlers: CommandHandlers;
  /** Appends an event and tells every UI about it. */
  append: (request: AppendRequest) => StoredEvent;
  /**
   * Periodic housekeeping, called by the host every few hundred milliseconds: announces events written
   * by another process (the CLI) and lets lost devices expire after their grace period.
   */
  tick: () => void;
  /** Starts background work (the sync sender) and ends the jobs a crash left unfinished. */
  start: () => void;
  /** Stops background work; waits for a sync pass in flight and for running jobs to end cancelled. */
  stop: () => Promise<void>;
}

/** The composition function: ports in, services out; no globals (architecture.md). */
export function createCore(ports: CorePorts, identity: CoreIdentity): Core {
  const ledger = new LedgerService(ports.ledgerStore, ports.clock);
  const registry = new DeviceRegistry(ports.clock);
  const devices = new DeviceDirectory(ports.ledgerStore, registry);
  const sync = new SyncStatusTracker(ports.ledgerStore);
  const fleet = ports.fleet;
  sync.configured(fleet?.serverUrl() ?? null);
  const scheduler = new SyncScheduler({
    store: ports.ledgerStore,
    client: () => fleet?.client() ?? null,
    tracker: sync,
    logger: ports.logger.child({ area: 'sync' }),
    clock: ports.clock,
    catalogCache: ports.catalogCache,
    revocations: revocationSyncPorts(ports.ledgerStore, (request) => append(request), ports.jobs?.actor ?? 'station'),
    offlineCertificates: offlineCertificateSyncPorts(ports.ledgerStore, (request) => append(request), ports.jobs?.actor ?? 'station'),
  });
  const events = new CoreEventBus();
  const info: AppInfo = { name: 'Fieldline', stationId: ledger.stationId, ...identity };

  const announceLedgerChange = (): void => {
    events.emit('ledger:changed', { eventCount: ports.ledgerStore.eventCount() });
    const changed = devices.takeLedgerChanges();
    if (changed.length > 0) events.emit('devices:changed', { upserted: changed, removedIds: [] });
    // The pending count grew with the new outbox row.
    events.emit('sync:status-changed', sync.status());
  };
  sync.onChange((status) => events.emit('sync:status-changed', status));

  const append = (request: AppendRequest): StoredEvent => {
    const event = ledger.append(request);
    noteFlashedFirmware(registry, event);
    ports.logger.info({ eventId: event.id, type: event.type, deviceId: event.deviceId }, 'ledger event appended');
    announceLedgerChange();
    scheduler.wake();
    return event;
  };

  const jobs = new JobService({
    ledger: { append, listEvents: (query) => ledger.listEvents(query), deviceHistory: (id) => ledger.deviceHistory(id) },
    executor: ports.flashExecutor ?? null,
    locator: registryDeviceLocator(registry),
    clock: ports.clock,
    logger: ports.logger.child({ area: 'jobs' }),
    onChanged: (job) => events.emit('jobs:changed', { job }),
    onProgress: (progress) => events.emit('jobs:progress', { jobs: progress }),
    maxParallelJobs: ports.jobs?.maxParallelJobs,
    actor: ports.jobs?.actor,
    bundleProtocols: ports.jobs?.bundleProtocols,
  });

  const operations = new OperationService({
    ledger: { append, listEvents: (query) => ledger.listEvents(query) },
    clock: ports.clock,
    logger: ports.logger.child({ area: 'operations' }),
    onChanged: (operation) => events.emit('operations:changed', { operation }),
    actor: ports.jobs?.actor,
  });

  const firmwareHandlers = createFirmwareLibraryHandlers({
    folder: join(identity.dataDir, 'firmware'),
    trustStore: ports.firmwareTrustStore,
    clock: ports.clock,
    logger: ports.logger.child({ area: 'firmware-library' }),
    knownDevices: () => devices.list().map(({ id, serial, model, firmwareVersion, sightings }) => ({ id, serial, model, firmwareVersion, isConnected: sightings.length > 0 })),
    ledgerSecurityCounter: (deviceId) => ledgerSecurityCounter({ append, listEvents: (query) => ledger.listEvents(query), deviceHistory: (id) => ledger.deviceHistory(id) }, deviceId),
    recordImport: (payload) => append({ actor: ports.jobs?.actor ?? 'station', deviceId: null, type: 'firmware.bundle-imported', payload }),
    onChanged: (bundleId) => events.emit('firmware:changed', { bundleId }),
  });

  const line = new LineService({
    ledger: { append, iterateEvents: () => ledger.iterateEvents() },
    registry,
    settings: ports.line?.settings ?? new JsonFileLineSettingsStore(join(identity.dataDir, 'line.json')),
    clock: ports.clock,
    logger: ports.logger.child({ area: 'line' }),
    // A port flashes the locked bundle, or applies the locked recipe as `provision:apply` does (handlers is
    // declared below; the line calls it only once running, after createCore returned).
    ...lineWorkWiring({
      jobs,
      events,
      operations,
      applyRecipe: async (input) => (await handlers['provision:apply'](input)).operation,
      ledger: { append, listEvents: (query) => ledger.listEvents(query) },
      actor: ports.jobs?.actor ?? 'station',
      provisioning: ports.provisioning,
      firmwareFolder: join(identity.dataDir, 'firmware'),
      clock: ports.clock,
    }),
    onChanged: (snapshot) => events.emit('line:changed', { line: snapshot }),
  });

  recordDiscoveries(registry, { append, listEvents: (query) => ledger.listEvents(query) }, ports.logger);
  registry.onChanged(({ upserted, removedIds }) => {
    events.emit('devices:changed', { upserted: devices.describeLive(upserted), removedIds });
  });

  const handlers: CommandHandlers = {
    'app:info': () => info,
    // No input: every device, as callers before paging expect; a query: one page from the index.
    'devices:list': (input) => (input === undefined ? { devices: devices.list() } : devices.query(input)),
    'devices:get': ({ deviceId }) => ({ device: devices.get(deviceId) }),
    'ledger:list-events': (input) => {
      const stored = ledger.listEvents(input);
      const last = stored.at(-1);
      return { events: stored, nextBefore: stored.length === input.limit && last ? last.position : null };
    },
    'ledger:device-history': ({ deviceId }) => ({ events: ledger.deviceHistory(deviceId).map(withoutPosition) }),
    'sync:status': () => sync.status(),
    'sync:enroll-station': async (input) => {
      if (fleet === undefined) throw new AppError('NOT_IMPLEMENTED', 'this tool cannot enroll a station');
      await fleet.enroll(input, AbortSignal.timeout(60_000));
      sync.configured(fleet.serverUrl());
      ports.logger.info({ serverUrl: fleet.serverUrl() }, 'station enrolled at the fleet server');
      await scheduler.syncNow();
      return sync.status();
    },
    'sync:now': async () => {
      await scheduler.syncNow();
      return sync.status();
    },
    'jobs:start': (input) => ({ job: jobs.start(input) }),
    'jobs:cancel': ({ jobId }) => ({ job: jobs.cancel(jobId) }),
    'jobs:list': () => ({ jobs: jobs.list() }),
    ...firmwareHandlers,
    'firmware:trust-store': () => {
      if (ports.firmwareTrustStore === undefined)
        throw new AppError('NOT_IMPLEMENTED', 'this tool has no firmware trust store');
      return describeTrustStore(ports.firmwareTrustStore());
    },
    ...lineHandlers(line),
    'operations:list': () => ({ operations: operations.list() }),
    'operations:cancel': ({ operationId }) => ({ operation: operations.cancel(operationId) }),
    ...provisionHandlers(ports.provisioning, {
      ledger: { append, listEvents: (query) => ledger.listEvents(query) },
      operations,
      jobs: {
        start: (request) => jobs.start(request),
        whenDone: (jobId) => jobs.whenDone(jobId),
        cancel: (jobId) => jobs.cancel(jobId),
        onProgress: (listener) =>
          events.onEvent((name, payload) => {
            if (name === 'jobs:progress') listener((payload as { jobs: Parameters<typeof listener>[0] }).jobs);
          }),
      },
      clock: ports.clock,
      logger: ports.logger.child({ area: 'provisioning' }),
      actor: ports.jobs?.actor ?? 'station',
      firmwareFolder: join(identity.dataDir, 'firmware'),
    }),
    ...identityHandlers(ports.identity, () => ({ operations, ledger: { append, listEvents: (query) => ledger.listEvents(query) }, clock: ports.clock, logger: ports.logger.child({ area: 'identity' }), actor: ports.jobs?.actor ?? 'station' })),
    'recipes:list': () => listRecipes([{ path: join(identity.dataDir, 'recipes'), origin: 'data-dir' }, ...(ports.recipeFolders ?? [])]),
    'devices:retire': retireHandler(() => ({ operations, ledger: { append, listEvents: (query) => ledger.listEvents(query), deviceHistory: (id) => ledger.deviceHistory(id) }, clock: ports.clock, stationId: ledger.stationId, actor: ports.jobs?.actor ?? 'station', logger: ports.logger.child({ area: 'retirement' }) }), ports.retirement),
  };

  return {
    info,
    ledger,
    devices,
    registry,
    sync,
    jobs,
    line,
    operations,
    events,
    handlers,
    append,
    start: () => {
      scheduler.start();
      jobs.recover({ resume: ports.jobs?.resumeInterrupted ?? false });
      operations.recover();
      // After jobs.recover: runs the crash left open are closed as interrupted, like their jobs.
      if (ports.line !== undefined) line.start();
    },
    stop: async () => {
      await operations.stop();
      await line.stop();
      await jobs.stop();
      await scheduler.stop();
    },
    tick() {
      if (ports.ledgerStore.hasExternalChanges()) announceLedgerChange();
      registry.expire();
    },
  };
}

function withoutPosition({ position: _position, ...event }: StoredEvent): LedgerEvent {
  return event;
}

/** `firmware.flashed` is written only with the version read back from the device: discovery takes it over. */
function noteFlashedFirmware(registry: DeviceRegistry, event: StoredEvent): void {
  if (event.type !== 'firmware.flashed' || event.deviceId === null) return;
  const payload = event.payload;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return;
  if (typeof payload.firmwareVersion === 'string') registry.firmwareChanged(event.deviceId, payload.firmwareVersion);
}
