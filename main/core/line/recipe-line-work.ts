import type { OperationSummary } from '../../../shared/contract';
import type { LinePhase } from '../../../shared/contract/line';
import type { ProvisionInput } from '../../../shared/contract/provision';
import { toAppError } from '../../../shared/errors';
import type { Disposable } from '../event-bus';
import type { LineWork, LineWorkOutcome, LineWorkUpdate } from './line-work';

/** The part of provisioning the line needs: prepare, apply (as `provision:apply` does), wait, cancel, watch. */
export interface LineProvisioning {
  /** Checks the locked recipe is unchanged and reserves the device's allocated values (recipe-run-preparation.ts); throws a typed error. */
  prepare(deviceId: string): void;
  /** Plans and starts one `provision` operation; rejects with a typed error when it cannot start. */
  apply(input: ProvisionInput): Promise<OperationSummary>;
  whenDone(operationId: string): Promise<OperationSummary>;
  cancel(operationId: string): void;
  onOperationChanged(listener: (operation: OperationSummary) => void): Disposable;
}

/** The tile phase of each provisioning step (main/core/provisioning/provision-steps.ts). */
const STEP_PHASES: Readonly<Record<string, LinePhase>> = {
  flash: 'flashing',
  enroll: 'enrolling',
  configure: 'configuring',
  verify: 'verifying',
};

/** Planning happens inside `apply`, before any operation step exists; its refusals name this step. */
const PLAN_STEP = 'plan';

/**
 * The line's work when a recipe is locked: one `provision` operation per device (flash → enroll →
 * configure → verify, each recorded by the operation framework), with no technician values: every
 * value comes from the recipe's device table, allocators, site file or defaults. The tile follows the
 * running step; a failed operation is a failure naming its code, message and step.
 */
export function createRecipeLineWork(provisioning: LineProvisioning, recipePath: string): LineWork {
  return async (device, signal, report) => {
    // Subscribed before apply: the operation's first changes are emitted while apply starts it.
    const seen = new Map<string, OperationSummary>();
    let operationId: string | null = null;
    let lastUpdate: LineWorkUpdate | null = null;
    const follow = (operation: OperationSummary): void => {
      const update = phaseOf(operation);
      if (update === null || (lastUpdate?.phase === update.phase && lastUpdate.percent === update.percent)) return;
      lastUpdate = update;
      report(update);
    };
    const subscription = provisioning.onOperationChanged((operation) => {
      if (operationId === null) {
        if (operation.deviceId === device.deviceId && operation.kind === 'provision') seen.set(operation.id, operation);
      } else if (operation.id === operationId) follow(operation);
    });
    const cancel = (): void => {
      if (operationId !== null) provisioning.cancel(operationId);
    };
    signal.addEventListener('abort', cancel, { once: true });
    try {
      let started: OperationSummary;
      try {
        provisioning.prepare(device.deviceId);
        started = await provisioning.apply({ deviceId: device.deviceId, recipePath, values: {} });
      } catch (error: unknown) {
        const failure = toAppError(error);
        return { outcome: 'fail', code: failure.code, reason: failure.message, step: PLAN_STEP };
      }
      operationId = started.id;
      follow(seen.get(started.id) ?? started);
      const ended = provisioning.whenDone(started.id);
      // An abort while apply was planning found no operation to cancel yet.
      if (signal.aborted) provisioning.cancel(started.id);
      return outcomeOf(await ended);
    } finally {
      signal.removeEventListener('abort', cancel);
      subscription.dispose();
    }
  };
}

/** The running step as a tile phase; bytes done of the flash step as its percent. */
function phaseOf(operation: OperationSummary): LineWorkUpdate | null {
  const running = operation.steps.find((step) => step.state === 'running');
  const phase = running === undefined ? undefined : STEP_PHASES[running.name];
  if (running === undefined || phase === undefined) return null;
  const progress = running.progress;
  const percent = phase === 'flashing' && progress !== null && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  return { phase, percent };
}

function outcomeOf(ended: OperationSummary): LineWorkOutcome {
  if (ended.state === 'succeeded') return { outcome: 'pass' };
  const stoppedAt = ended.steps.find((step) => step.state === 'running' || step.state === 'failed')?.name ?? 'unknown';
  return {
    outcome: 'fail',
    code: ended.error?.code ?? (ended.state === 'cancelled' ? 'CANCELLED' : 'INTERNAL'),
    reason: ended.error?.message ?? `the operation ended ${ended.state}`,
    step: ended.error?.step ?? stoppedAt,
  };
}
