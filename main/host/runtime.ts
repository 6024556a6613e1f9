import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppInfo } from '../../shared/contract';
import { AppError, toAppError } from '../../shared/errors';
import { SqliteLedgerStore } from '../adapters/ledger/sqlite-ledger-store';
import { BonjourMdnsBrowser } from '../adapters/mdns/bonjour-mdns-browser';
import { CatalogCacheFile } from '../adapters/fleet/catalog-cache-file';
import { ProcessFlashExecutor } from './flash-process/process-flash-executor';
import type { SpawnFlashProcess } from './flash-process/flash-process-handle';
import { readBundleProtocols } from './flash-process/bundle-protocols';
import { loadTrustStore } from './cli/firmware-files';
import { FileBackedFleetConnection } from '../adapters/fleet/fleet-connection';
import { openLocalKeyVault } from '../adapters/key-vault/local-key-vault-setup';
import type { KeyVault } from '../core/ports/key-vault';
import { hostIdentityPorts } from './certificate-issuers-identity-ports';
import { stationProvisionPorts } from './cli/recipe-station-ports';
import { stationRetirementPorts } from './station-retirement-ports';
import { createPinoLogger } from '../adapters/pino-logger';
import { NodeDatagramNetwork } from '../adapters/udp/node-datagram-network';
import { discoverOverMdns } from '../core/discovery/mdns-discovery';
import { NetworkSightingProber } from '../core/discovery/network-sighting-prober';
import { createCore, type Core, type CorePorts } from '../core/create-core';
import { hostRecipeFolders } from '../core/config/recipe-catalog';
import { JsonFileLineSettingsStore } from '../core/line/line-settings';
import type { CoreEventListener, Disposable } from '../core/event-bus';
import { systemClock, type Clock } from '../core/ports/clock';
import type { Logger } from '../core/ports/logger';
import type { UsbBus } from '../core/ports/usb-bus';
import { readAppVersion } from './app-version';
import { ledgerPath } from './data-dir';
import { createDispatcher, type Dispatcher } from './dispatcher';
import { startDriveDiscovery } from './start-drive-discovery';
import { startSerialDiscovery } from './start-serial-discovery';
import { startUsbDiscovery } from './start-usb-discovery';

/** The example recipes shipped in resources/recipes, listed after the station's own (recipes:list). */
const SHIPPED_RECIPES_FOLDER = fileURLToPath(new URL('../../resources/recipes', import.meta.url));

export interface StationRuntimeOptions {
  /** Where the ledger and station state live (resolve it with `resolveDataDir`). */
  dataDir: string;
  host: AppInfo['host'];
  /** Defaults to the root package.json's version (Electron passes `app.getVersion()`). */
  version?: string;
  /** Defaults to JSON lines in `<dataDir>/logs/<host>.log`. */
  logger?: Logger;
  clock?: Clock;
  /**
   * Browse the local link for devices advertised over mDNS (default true). Tests outside a private
   * network namespace turn it off so that they send nothing beyond loopback.
   */
  enableMdns?: boolean;
  /**
   * Probe serial ports for SMP devices (default true): USB serial ports the OS lists plus `serialGlobs`.
   * Tests that must not touch this machine's ports turn it off.
   */
  enableSerialDiscovery?: boolean;
  /** Absolute path patterns to probe too (the lab's pseudo-terminals); default `$FIELDLINE_SERIAL_GLOBS`. */
  serialGlobs?: string[];
  /**
   * Watch the USB bus for DFU devices (default true). On a machine without a USB bus this logs
   * "USB not available" once and finds nothing.
   */
  enableUsbDiscovery?: boolean;
  /**
   * The bus to watch; default the real libusb adapter. Tests and benchmarks pass the device lab's
   * VirtualUsbBus (it lives in their process; the runtime never closes a bus it was given).
   */
  usbBus?: UsbBus;
  /** Watch for UF2 bootloader drives (default true): `driveFolders` plus /media and /run/media on Linux. */
  enableDriveDiscovery?: boolean;
  /** Absolute folders that are drives or hold drives (the lab's `<state root>/drives`); default `$FIELDLINE_DRIVE_FOLDERS`. */
  driveFolders?: string[];
  /** Also watch /media and /run/media (default: on Linux); tests turn it off to see only their folders. */
  watchSystemMounts?: boolean;
  /** How often the core's housekeeping runs (events from other processes, lost devices); default 250 ms. */
  tickMs?: number;
  /**
   * What seals the station's secrets (its TLS key, a sealed offline CA key). The desktop app passes its
   * OS-keystore vault; default: the local vault of plain Node (main/adapters/key-vault).
   */
  keyVault?: KeyVault;
  /**
   * How flash processes are started; default a Node child (`child_process.fork`). The packaged Electron
   * app passes a utility-process spawner (main/app/utility-flash-process.ts): its fuses forbid a fork.
   */
  spawnFlashProcess?: SpawnFlashProcess;
}

/** The core wired to real adapters, as both hosts (Electron IPC and the WebSocket station) use it. */
export interface StationRuntime {
  readonly info: AppInfo;
  readonly dispatcher: Dispatcher;
  readonly core: Core;
  readonly logger: Logger;
  onEvent(listener: CoreEventListener): Disposable;
  close(): Promise<void>;
}

export function openStationRuntime(options: StationRuntimeOptions): Promise<StationRuntime> {
  ensureDataDir(options.dataDir);
  const log = options.logger
    ? { logger: options.logger, close: () => undefined }
    : createPinoLogger({ destination: join(options.dataDir, 'logs', `${options.host}.log`) });
  const { logger } = log;
  const store = SqliteLedgerStore.open(ledgerPath(options.dataDir));
  const keyVault = options.keyVault ?? openLocalKeyVault({ dataDir: options.dataDir });
  const fleet = new FileBackedFleetConnection(options.dataDir, store.stationId, keyVault);
  // One flash process per job (main/host/flash-process), so a stuck port never blocks the station.
  const flashExecutor = new ProcessFlashExecutor({ logger: logger.child({ area: 'flash' }), ...(options.spawnFlashProcess === undefined ? {} : { spawnFlashProcess: options.spawnFlashProcess }) });
  const identityPorts = hostIdentityPorts({ registry: () => core.registry, fleet, vault: keyVault, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const core = createCore(
    { ledgerStore: store, clock: options.clock ?? systemClock, logger, fleet, catalogCache: new CatalogCacheFile(options.dataDir, logger), flashExecutor, jobs: { bundleProtocols: readBundleProtocols }, firmwareTrustStore: () => loadTrustStore(undefined).store, ...factoryLine(options),
      identity: identityPorts,
      recipeFolders: hostRecipeFolders(process.env['FIELDLINE_RECIPES'], delimiter, SHIPPED_RECIPES_FOLDER),
      retirement: stationRetirementPorts({ identity: identityPorts, dataDir: options.dataDir, vault: keyVault }),
      provisioning: stationProvisionPorts({ identity: identityPorts, ledger: () => ({ append: core.append, listEvents: (query) => core.ledger.listEvents(query) }), trustStore: () => loadTrustStore(undefined) }) },
    { host: options.host, version: options.version ?? readAppVersion(), dataDir: options.dataDir, platform: process.platform },
  );
  let serial: { stop: () => Promise<void> } | null = null;
  let drives: { stop: () => Promise<void> } | null = null;
  try {
    // First, because a malformed pattern or folder (INVALID_INPUT) must fail the open before anything else starts.
    if (options.enableDriveDiscovery !== false) {
      drives = startDriveDiscovery(core, logger, {
        ...(options.driveFolders === undefined ? {} : { driveFolders: options.driveFolders }),
        ...(options.watchSystemMounts === undefined ? {} : { includeSystemMounts: options.watchSystemMounts }),
      });
    }
    if (options.enableSerialDiscovery !== false) {
      serial = startSerialDiscovery(core, logger, options.serialGlobs === undefined ? {} : { serialGlobs: options.serialGlobs });
    }
  } catch (error: unknown) {
    const failure = toAppError(error);
    return (drives?.stop() ?? Promise.resolve()).then(() => {
      store.close();
      log.close();
      throw failure;
    });
  }
  const usb = options.enableUsbDiscovery === false ? null : startUsbDiscovery(core, logger, options.usbBus);
  const mdns = options.enableMdns === false ? null : startMdnsDiscovery(core, logger);
  // The UI hosts keep a flash process loaded per connected device (at most the parallel-job limit),
  // started one per tick: a job then does not fork and load the flash code on the station's event loop
  // at the moment it starts, sixteen at once on a factory line.
  const warmFlashProcesses = options.host !== 'cli';
  const poll = setInterval(() => {
    try {
      core.tick();
      if (warmFlashProcesses) flashExecutor.warmOne(Math.min(core.registry.list().length, WARM_FLASH_PROCESS_LIMIT));
    } catch (error: unknown) {
      logger.error({ err: error }, 'periodic core housekeeping failed');
    }
  }, options.tickMs ?? 250);
  poll.unref();
  // The UI hosts page through the device index; a one-shot CLI command never asks for a page.
  if (options.host !== 'cli') core.devices.warm();
  core.start();
  logger.info({ dataDir: options.dataDir, stationId: core.info.stationId, host: options.host }, 'station runtime opened');
  return Promise.resolve({
    info: core.info,
    dispatcher: createDispatcher(core.handlers, logger),
    core,
    logger,
    onEvent: (listener) => core.events.onEvent(listener),
    close: async () => {
      clearInterval(poll);
      await core.stop();
      await flashExecutor.close();
      await mdns?.stop();
      await serial?.stop();
      await usb?.stop();
      await drives?.stop();
      store.close();
      log.close();
    },
  });
}

function startMdnsDiscovery(core: Core, logger: Logger): { stop: () => Promise<void> } {
  const browser = new BonjourMdnsBrowser((error) => logger.warn({ err: error }, 'mDNS socket error; network discovery may miss devices'));
  const discovery = discoverOverMdns(browser, core.registry, logger.child({ transport: 'mdns' }));
  // TXT records carry a serial only; asking each advertised device over SMP/UDP adds its hardware id.
  const prober = new NetworkSightingProber(core.registry, new NodeDatagramNetwork(), logger.child({ transport: 'udp' }));
  prober.start();
  return {
    stop: async () => {
      discovery.dispose();
      await prober.stop();
      await browser.close();
    },
  };
}

/** Idle flash processes kept at most: the default limit on parallel jobs. */
const WARM_FLASH_PROCESS_LIMIT = 16;

function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error: unknown) {
    throw new AppError('DATA_DIR_UNUSABLE', `cannot create the data folder ${dataDir}`, { cause: error, details: { dataDir } });
  }
}

/** Factory station mode runs in the station and the desktop app, never in a CLI command (main/core/line). */
function factoryLine(options: StationRuntimeOptions): Pick<CorePorts, 'line'> {
  if (options.host === 'cli') return {};
  return { line: { settings: new JsonFileLineSettingsStore(join(options.dataDir, 'line.json')) } };
}
