import { resolve } from 'node:path';
import type { ProvisionInput } from '../../../shared/contract/provision';
import { AppError } from '../../../shared/errors';
import { createCore, type Core } from '../../core/create-core';
import { SMP_SERIAL_DEFAULT_BAUD, type SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import { identifySmpDevice } from '../../core/jobs/identify-smp-device';
import { systemClock } from '../../core/ports/clock';
import type { CertificateIssuer } from '../../core/ports/certificate-issuer';
import type { IdentityLedger } from '../../core/identity/identity-ledger';
import { SerialportPorts } from '../../adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../adapters/udp/node-datagram-network';
import { readAppVersion } from '../app-version';
import { resolveDataDir } from '../data-dir';
import { ProcessFlashExecutor } from '../flash-process/process-flash-executor';
import { locateSmpDevice, openDeviceClient } from './enroll-device-link';
import { loadTrustStore } from './firmware-files';
import { parseDeviceArgument } from './flash-device-argument';
import { readRecipeGitRevision } from './recipe-git-revision';
import { cliActor } from './cli-actor';
import { openCliDataFolder } from './cli-data-folder';

/** The flags `plan` and `apply` share. */
export interface RecipeCommandOptions {
  recipe: string;
  device: string;
  set: string[];
  csv?: string;
  site?: string;
  hardwareRevision?: string;
  trustStore?: string;
  baud?: string;
  wait?: string;
  mdns: boolean;
  serial: boolean;
}

/** Opens the issuer apply enrolls with, when the plan says the device needs a certificate. */
export type OpenIssuer = (context: { dataDir: string; stationId: string; ledger: IdentityLedger; actor: string; offlineValidityDays: number }) => Promise<{
  issuer: CertificateIssuer;
  close(): Promise<void>;
}>;

export interface RecipeSession {
  core: Core;
  input: ProvisionInput;
  actor: string;
  close(): Promise<void>;
}

/** `--set name=value` (repeatable): commander hands each to this collector. */
export function collectSetting(text: string, earlier: string[]): string[] {
  return [...earlier, text];
}

/** Parses the shared flags; a usage error (exit 2) is returned as text. */
export function parseRecipeFlags(options: RecipeCommandOptions): { values: Record<string, string>; baudRate: number; waitSeconds: number } | string {
  const baudRate = options.baud === undefined ? SMP_SERIAL_DEFAULT_BAUD : Number(options.baud);
  const waitSeconds = options.wait === undefined ? 15 : Number(options.wait);
  if (!Number.isInteger(baudRate) || baudRate <= 0 || !Number.isFinite(waitSeconds) || waitSeconds < 0)
    return '--baud must be a positive integer and --wait a number of seconds';
  const values: Record<string, string> = {};
  for (const pair of options.set) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return `--set takes name=value, not "${pair.split('=')[0]}…"`;
    const name = pair.slice(0, equals);
    if (Object.hasOwn(values, name)) return `--set ${name} is given twice`;
    values[name] = pair.slice(equals + 1);
  }
  return { values, baudRate, waitSeconds };
}

/**
 * A core for one `plan`/`apply`: the station's ledger in the data folder, flash jobs in flash
 * processes, and provisioning ports that reach the device at the endpoint given (or found by id).
 */
export async function openRecipeSession(
  dataDirFlag: string | undefined,
  options: RecipeCommandOptions,
  flags: { values: Record<string, string>; baudRate: number; waitSeconds: number },
  stop: AbortSignal,
  openIssuer: OpenIssuer | null,
): Promise<RecipeSession> {
  const dataDir = resolveDataDir({ flag: dataDirFlag });
  const given = parseDeviceArgument(options.device, flags.baudRate);
  if (given.kind === 'endpoint' && given.endpoint.kind !== 'serial' && given.endpoint.kind !== 'udp')
    throw new AppError('INVALID_INPUT', `--device ${options.device}: recipes provision SMP devices (a serial port or udp:host:port) so far`);
  const endpoint: SmpEndpoint =
    given.kind === 'endpoint'
      ? (given.endpoint as SmpEndpoint)
      : await locateSmpDevice({ dataDir, deviceId: given.deviceId, waitSeconds: flags.waitSeconds, mdns: options.mdns, serial: options.serial }, stop);
  const deviceId =
    given.kind === 'id'
      ? given.deviceId
      : (await identifySmpDevice({ serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() }, endpoint, stop)).deviceId;
  const { store, log, close } = openCliDataFolder(dataDir);
  const trust = loadTrustStore(options.trustStore);
  const actor = cliActor();
  const core: Core = createCore(
    {
      ledgerStore: store,
      clock: systemClock,
      logger: log.logger,
      flashExecutor: new ProcessFlashExecutor({ logger: log.logger.child({ area: 'flash' }) }),
      jobs: { actor },
      provisioning: {
        openDevice: (_id, signal) => openDeviceClient(endpoint, signal ?? stop),
        flashEndpoint: () => endpoint,
        trustStore: () => ({ store: trust.store, path: trust.path }),
        readGitRevision: readRecipeGitRevision,
        issuer: async (profile) => {
          if (openIssuer === null) return null;
          const recipeCore = core;
          // Provisioning closes it when the operation ends.
          return openIssuer({
            dataDir,
            stationId: recipeCore.info.stationId,
            ledger: { append: recipeCore.append, listEvents: (query) => recipeCore.ledger.listEvents(query) },
            actor,
            offlineValidityDays: profile.offlineValidityDays,
          });
        },
      },
    },
    { host: 'cli', version: readAppVersion(), dataDir, platform: process.platform },
  );
  const input: ProvisionInput = {
    deviceId,
    recipePath: resolve(options.recipe),
    values: flags.values,
    ...(options.csv === undefined ? {} : { deviceTablePath: resolve(options.csv) }),
    ...(options.site === undefined ? {} : { siteValuesPath: resolve(options.site) }),
    ...(options.hardwareRevision === undefined ? {} : { hardwareRevision: options.hardwareRevision }),
  };
  const opened = core;
  return {
    core: opened,
    input,
    actor,
    close: async () => {
      await opened.operations.stop();
      await opened.jobs.stop();
      close();
    },
  };
}

