import type { AppInfo, LedgerEvent } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { CommandHandlers } from './command-handlers';
import { DeviceDirectory } from './devices/device-directory';
import { recordDiscoveries } from './discovery/discovery-recorder';
import { DeviceRegistry } from './discovery/device-registry';
import { CoreEventBus } from './event-bus';
import { registryDeviceLocator } from './jobs/device-locator';
import type { FlashExecutor } from './jobs/flash-task';
import { JobService } from './jobs/job-service';
import { OperationService } from './operations/operation-service';
import { LedgerService, type AppendRequest } from './ledger/ledger-service';
import type { Clock } from './ports/clock';
import type { LedgerStore, StoredEvent } from './ports/ledger-store';
import type { Logger } from './ports/logger';
import type { FleetConnection } from './ports/fleet-connection';
import type { CatalogCache } from './ports/fleet-client';
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
  jobs?: { maxParallelJobs?: number; actor?: string; resumeInterrupted?: boolean };
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
  });

  const operations = new OperationService({
    ledger: { append, listEvents: (query) => ledger.listEvents(query) },
    clock: ports.clock,
    logger: ports.logger.child({ area: 'operations' }),
    onChanged: (operation) => events.emit('operations:changed', { operation }),
    actor: ports.jobs?.actor,
  });

  recordDiscoveries(registry, { append, listEvents: (query) => ledger.listEvents(query) }, ports.logger);
  registry.onChanged(({ upserted, removedIds }) => {
    events.emit('devices:changed', { upserted: devices.describeLive(upserted), removedIds });
  });

  const handlers: CommandHandlers = {
    'app:info': () => info,
    'devices:list': () => ({ devices: devices.list() }),
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
    'operations:list': () => ({ operations: operations.list() }),
    'operations:cancel': ({ operationId }) => ({ operation: operations.cancel(operationId) }),
  };

  return {
    info,
    ledger,
    devices,
    registry,
    sync,
    jobs,
    operations,
    events,
    handlers,
    append,
    start: () => {
      scheduler.start();
      jobs.recover({ resume: ports.jobs?.resumeInterrupted ?? false });
      operations.recover();
    },
    stop: async () => {
      await operations.stop();
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
