import { join } from 'node:path';
import type { OperationSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { openLocalKeyVault } from '../../adapters/key-vault/local-key-vault-setup';
import { createCore } from '../../core/create-core';
import { SMP_SERIAL_DEFAULT_BAUD } from '../../core/drivers/smp/smp-flasher-link';
import { systemClock } from '../../core/ports/clock';
import { RetirementEvent } from '../../core/retirement/retirement-ledger';
import { StationSigningKey } from '../../core/retirement/station-signing-key';
import { readAppVersion } from '../app-version';
import { resolveDataDir } from '../data-dir';
import { writeError, writeLine, type CliOutput } from './cli-output';
import { openDeviceClient } from './enroll-device-link';
import { EXIT } from './exit-codes';
import { resolveRetireTarget } from './retire-device-link';
import { cliActor } from './cli-actor';
import { openCliDataFolder } from './cli-data-folder';

export interface RetireOptions {
  device?: string;
  method?: string;
  operator?: string;
  /** Extra setting names and file paths to delete and check (repeatable flags). */
  setting?: string[];
  file?: string[];
  baud?: string;
  wait?: string;
  mdns: boolean;
  serial: boolean;
}

/** Where the station signing key lives in the data folder (main/core/retirement/README.md). */
export function retirementFolder(dataDir: string): string {
  return join(dataDir, 'retirement');
}

/**
 * `fieldline retire --device <id|port> [--method clear|purge] [--operator NAME]`: wipes the device,
 * verifies by reading back, signs a certificate of sanitization with the station key (sealed by the
 * local key vault), records `device.retired` and queues the certificate revocation; all offline. With
 * `--json`: a `{"event":"operation"}` line per step change, then one `{"event":"result"}` line carrying
 * the certificate or what remained. Exit codes: 0 retired, 6 wipe not verified, 1 other failure, 2 usage.
 */
export async function retireDevice(
  output: CliOutput,
  dataDirFlag: string | undefined,
  options: RetireOptions,
  stop: AbortSignal,
): Promise<number> {
  const method = options.method ?? 'clear';
  const baudRate = options.baud === undefined ? SMP_SERIAL_DEFAULT_BAUD : Number(options.baud);
  const waitSeconds = options.wait === undefined ? 15 : Number(options.wait);
  if (options.device === undefined || (method !== 'clear' && method !== 'purge')) {
    await writeLine(output.stderr, 'usage: fieldline retire --device <id|port> [--method clear|purge] [--operator NAME]');
    return EXIT.usage;
  }
  if (!Number.isInteger(baudRate) || baudRate <= 0 || !Number.isFinite(waitSeconds) || waitSeconds < 0) {
    await writeLine(output.stderr, '--baud must be a positive integer and --wait a number of seconds');
    return EXIT.usage;
  }
  const dataDir = resolveDataDir({ flag: dataDirFlag });
  const target = await resolveRetireTarget(options.device, { baudRate, waitSeconds, dataDir, mdns: options.mdns, serial: options.serial }, stop);
  const { store, log, close } = openCliDataFolder(dataDir);
  const actor = cliActor();
  const signingKey = new StationSigningKey(retirementFolder(dataDir), openLocalKeyVault({ dataDir }));
  const core = createCore(
    {
      ledgerStore: store,
      clock: systemClock,
      logger: log.logger,
      jobs: { actor },
      retirement: {
        openDevice: (_deviceId, signal) => openDeviceClient(target.endpoint, signal),
        signer: () => signingKey.signer(),
      },
    },
    { host: 'cli', version: readAppVersion(), dataDir, platform: process.platform },
  );
  const lines: Promise<void>[] = [];
  const print = (line: string): void => void lines.push(writeLine(output.stdout, line));
  let lastStepStates = '';
  const subscription = core.events.onEvent((name, payload) => {
    if (name !== 'operations:changed') return;
    const operation = (payload as { operation: OperationSummary }).operation;
    const states = operation.steps.map((step) => `${step.name}:${step.state}`).join(',');
    if (states === lastStepStates) return;
    lastStepStates = states;
    if (output.isJson) print(JSON.stringify({ event: 'operation', operation }));
    else {
      const running = operation.steps.find((step) => step.state === 'running');
      if (running !== undefined) print(`${running.name.padEnd(16)} ${running.label}`);
    }
  });
  try {
    // A retirement a killed CLI left unfinished ends recorded as interrupted (one terminal event each).
    core.operations.recover();
    const { operation } = await core.handlers['devices:retire']({
      deviceId: target.deviceId,
      method,
      operator: options.operator ?? actor,
      settingNames: options.setting ?? [],
      filePaths: options.file ?? [],
    });
    const cancel = (): void => void core.operations.cancel(operation.id);
    stop.addEventListener('abort', cancel, { once: true });
    const done = await core.operations.whenDone(operation.id);
    stop.removeEventListener('abort', cancel);
    subscription.dispose();
    await Promise.all(lines);
    return await reportResult(output, done, core.ledger.deviceHistory(target.deviceId));
  } finally {
    subscription.dispose();
    await core.operations.stop();
    close();
  }
}

async function reportResult(
  output: CliOutput,
  operation: OperationSummary,
  history: readonly { id: string; type: string; payload: unknown }[],
): Promise<number> {
  const retired = history.filter((event) => event.type === RetirementEvent.retired).at(-1);
  const wipeFailed = history.filter((event) => event.type === RetirementEvent.wipeFailed).at(-1);
  const isRetired = operation.state === 'succeeded' && retired !== undefined;
  const isWipeFailure = operation.error?.code === 'WIPE_VERIFICATION_FAILED';
  const remaining = isWipeFailure ? ((wipeFailed?.payload as { remaining?: string[] } | undefined)?.remaining ?? []) : [];
  const certificate = isRetired ? (retired.payload as { certificate?: unknown }).certificate : null;
  if (output.isJson) {
    await writeLine(
      output.stdout,
      JSON.stringify({ event: 'result', state: isRetired ? 'retired' : operation.state, operation, retiredEventId: isRetired ? retired.id : null, certificate, remaining }),
    );
  } else if (isRetired) {
    await writeLine(output.stdout, `retired ${operation.deviceId}: wipe verified, certificate of sanitization in ledger event ${retired.id}`);
  } else if (isWipeFailure) {
    await writeLine(output.stdout, `NOT retired ${operation.deviceId}: the wipe left ${remaining.join(', ')}`);
  } else if (operation.error !== null) {
    await writeError(output, new AppError(operation.error.code, `${operation.error.step}: ${operation.error.message}`));
  }
  if (isRetired) return EXIT.ok;
  return isWipeFailure ? EXIT.wipeNotVerified : EXIT.failed;
}

