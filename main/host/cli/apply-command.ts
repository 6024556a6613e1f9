import type { LedgerEvent, OperationSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { FileBackedFleetConnection } from '../../adapters/fleet/fleet-connection';
import { openLocalKeyVault } from '../../adapters/key-vault/local-key-vault-setup';
import { systemClock } from '../../core/ports/clock';
import { CONFIG_APPLIED_EVENT } from '../../core/provisioning/verify-provisioned';
import { openCertificateIssuer } from '../certificate-issuers';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { openRecipeSession, parseRecipeFlags, type OpenIssuer, type RecipeCommandOptions } from './recipe-session';

/** Codes of a refusal before the operation started: nothing was written to the device (exit 4). */
const REFUSED_BEFORE_WRITE = new Set(['RECIPE_INVALID', 'RECIPE_VALUE_INVALID', 'DEVICE_TABLE_INVALID', 'DEVICE_MISMATCH', 'ISSUER_NOT_CONFIGURED']);

/** The issuer the station's configuration names (main/host/certificate-issuers.ts). */
export const configuredIssuer: OpenIssuer = async ({ dataDir, stationId, ledger, actor, offlineValidityDays }) => {
  const vault = openLocalKeyVault({ dataDir });
  const fleet = new FileBackedFleetConnection(dataDir, stationId, vault);
  return openCertificateIssuer({ fleet, vault, ledger, clock: systemClock, offlineValidityDays, actor });
};

/**
 * `fieldline apply --recipe <file> --device <id|port>`: plans, then runs the plan as one `provision`
 * operation (flash → enroll → configure → verify), printing each step (JSON lines with `--json`) and a
 * result with the `config.applied` event. Exit 0 applied, 1 failed (the step is named), 2 usage,
 * 4 refused before anything was written (recipe, values, device table, device, issuer).
 */
export async function applyRecipeCommand(
  output: CliOutput,
  dataDirFlag: string | undefined,
  options: RecipeCommandOptions,
  stop: AbortSignal,
  openIssuer: OpenIssuer = configuredIssuer,
): Promise<number> {
  const flags = parseRecipeFlags(options);
  if (typeof flags === 'string') {
    await writeLine(output.stderr, flags);
    return EXIT.usage;
  }
  const session = await openRecipeSession(dataDirFlag, options, flags, stop, openIssuer);
  try {
    const { core } = session;
    // An apply or flash that a killed CLI left unfinished is recorded as interrupted (its process is gone)
    // before this one starts; a flash job resumes only from `fieldline flash`.
    core.operations.recover();
    core.jobs.recover({ resume: false });
    let operationId: string | null = null;
    const early: OperationSummary[] = [];
    const printed = new Set<string>();
    let writing = Promise.resolve();
    const write = (line: string): void => {
      writing = writing.then(() => writeLine(output.stdout, line));
    };
    const print = (operation: OperationSummary): void => {
      if (output.isJson) return write(JSON.stringify({ event: 'operation', operation }));
      // Text mode prints a step's line once per change, not once per event.
      for (const line of describeSteps(operation)) {
        if (printed.has(line)) continue;
        printed.add(line);
        write(line);
      }
    };
    const subscription = core.events.onEvent((name, payload) => {
      if (name !== 'operations:changed') return;
      const { operation } = payload as { operation: OperationSummary };
      if (operationId === null) early.push(operation);
      else if (operation.id === operationId) print(operation);
    });
    let started: OperationSummary;
    try {
      started = (await core.handlers['provision:apply'](session.input)).operation;
    } catch (error: unknown) {
      subscription.dispose();
      if (error instanceof AppError && REFUSED_BEFORE_WRITE.has(error.code)) {
        await writeRefusal(output, error);
        return EXIT.refusedBeforeWrite;
      }
      throw error;
    }
    operationId = started.id;
    for (const operation of early) if (operation.id === operationId) print(operation);
    const cancel = (): void => void core.operations.cancel(started.id);
    stop.addEventListener('abort', cancel, { once: true });
    const done = await core.operations.whenDone(started.id);
    stop.removeEventListener('abort', cancel);
    subscription.dispose();
    await writing;
    const applied = done.state === 'succeeded' ? lastConfigApplied(core.ledger.deviceHistory(done.deviceId)) : null;
    if (output.isJson) await writeLine(output.stdout, JSON.stringify({ event: 'result', state: done.state, operation: done, configApplied: applied }));
    else if (done.state === 'succeeded') await writeLine(output.stdout, `applied ${done.title} to ${done.deviceId}: verified and recorded`);
    else await writeLine(output.stdout, `${done.state} at ${done.error?.step ?? '?'}: ${done.error ? `${done.error.code} ${done.error.message}` : ''}`);
    return done.state === 'succeeded' ? EXIT.ok : EXIT.failed;
  } finally {
    await session.close();
  }
}

function describeSteps(operation: OperationSummary): string[] {
  return operation.steps
    .filter((step) => step.state !== 'pending')
    .map((step) => {
      const progress = step.progress === null ? '' : ` ${step.progress.done}/${step.progress.total} ${step.progress.unit}`;
      return `${step.name.padEnd(10)} ${step.state}${step.detail === null ? '' : `: ${step.detail}`}${progress}`;
    });
}

function lastConfigApplied(history: LedgerEvent[]): LedgerEvent | null {
  return history.filter((event) => event.type === CONFIG_APPLIED_EVENT).at(-1) ?? null;
}

async function writeRefusal(output: CliOutput, error: AppError): Promise<void> {
  if (output.isJson) await writeLine(output.stderr, JSON.stringify({ event: 'refused', error: error.toJSON() }));
  else await writeLine(output.stderr, `refused before anything was written: ${error.code} ${error.message}`);
}

