import { describe, expect, it } from 'vitest';
import type { OperationStep, OperationSummary } from '../../../shared/contract';
import type { ProvisionInput } from '../../../shared/contract/provision';
import { AppError } from '../../../shared/errors';
import type { LineWorkUpdate } from './line-work';
import { createRecipeLineWork, type LineProvisioning } from './recipe-line-work';

const DEVICE = { deviceId: 'hwid:AA01', port: 'serial:/dev/ttyACM0' };
const STEP_NAMES = ['flash', 'enroll', 'configure', 'verify'] as const;

function operation(change: Partial<OperationSummary> = {}, steps: Partial<Record<string, Partial<OperationStep>>> = {}): OperationSummary {
  return {
    id: 'op-1',
    kind: 'provision',
    deviceId: DEVICE.deviceId,
    title: 'recipe lab-sensor@1.0.0',
    state: 'running',
    steps: STEP_NAMES.map((name) => ({ name, label: name, state: 'pending', detail: null, progress: null, ...steps[name] })),
    jobId: null,
    startedAt: '',
    updatedAt: '',
    error: null,
    ...change,
  };
}

function bytes(done: number, total: number): OperationStep['progress'] {
  return { done, total, unit: 'bytes', perSecond: 1, etaSeconds: 1 };
}

/** Provisioning whose operation the test moves by hand, as OperationService and the event bus would. */
class FakeProvisioning implements LineProvisioning {
  prepared: string[] = [];
  refusePrepare: AppError | null = null;
  applied: ProvisionInput[] = [];
  cancelled: string[] = [];
  refuse: AppError | null = null;
  /** Emitted while apply runs, before it resolves (OperationService emits the start synchronously). */
  duringApply: OperationSummary[] = [];
  #listeners = new Set<(operation: OperationSummary) => void>();
  #end: (summary: OperationSummary) => void = () => undefined;

  prepare(deviceId: string): void {
    this.prepared.push(deviceId);
    if (this.refusePrepare) throw this.refusePrepare;
  }
  apply(input: ProvisionInput): Promise<OperationSummary> {
    this.applied.push(input);
    if (this.refuse) return Promise.reject(this.refuse);
    for (const summary of this.duringApply) this.emit(summary);
    return Promise.resolve(operation({ state: 'queued' }));
  }
  whenDone(): Promise<OperationSummary> {
    return new Promise((resolve) => (this.#end = resolve));
  }
  cancel(operationId: string): void {
    this.cancelled.push(operationId);
    this.#end(operation({ state: 'cancelled' }, { flash: { state: 'running' } }));
  }
  onOperationChanged(listener: (operation: OperationSummary) => void) {
    this.#listeners.add(listener);
    return { dispose: () => void this.#listeners.delete(listener) };
  }
  emit(summary: OperationSummary): void {
    for (const listener of this.#listeners) listener(summary);
  }
  end(summary: OperationSummary): void {
    this.#end(summary);
  }
  get listenerCount(): number {
    return this.#listeners.size;
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a locked recipe as line work', () => {
  it('applies the recipe with no technician values and follows the steps: flashing with %, enrolling, configuring, verifying, pass', async () => {
    const provisioning = new FakeProvisioning();
    provisioning.duringApply = [operation({}, { flash: { state: 'running', progress: null } })];
    const updates: LineWorkUpdate[] = [];
    const run = createRecipeLineWork(provisioning, '/recipes/lab-sensor/recipe.yaml')(DEVICE, new AbortController().signal, (update) => updates.push(update));
    await tick();
    expect(provisioning.prepared).toEqual([DEVICE.deviceId]);
    expect(provisioning.applied).toEqual([{ deviceId: DEVICE.deviceId, recipePath: '/recipes/lab-sensor/recipe.yaml', values: {} }]);
    provisioning.emit(operation({}, { flash: { state: 'running', progress: bytes(300, 1200) } }));
    provisioning.emit(operation({ id: 'someone-else' }, { flash: { state: 'running', progress: bytes(1, 2) } }));
    provisioning.emit(operation({}, { flash: { state: 'running', progress: bytes(300, 1200) } }));
    provisioning.emit(operation({}, { flash: { state: 'done' }, enroll: { state: 'running' } }));
    provisioning.emit(operation({}, { flash: { state: 'done' }, enroll: { state: 'done' }, configure: { state: 'running', progress: { ...bytes(1, 5)!, unit: 'items' } } }));
    provisioning.emit(operation({}, { flash: { state: 'done' }, enroll: { state: 'done' }, configure: { state: 'done' }, verify: { state: 'running' } }));
    provisioning.end(operation({ state: 'succeeded' }));
    await expect(run).resolves.toEqual({ outcome: 'pass' });
    expect(updates).toEqual([
      { phase: 'flashing', percent: null },
      { phase: 'flashing', percent: 25 },
      { phase: 'enrolling', percent: null },
      { phase: 'configuring', percent: null },
      { phase: 'verifying', percent: null },
    ]);
    expect(provisioning.listenerCount).toBe(0);
  });

  it('starts at the step that runs when firmware is already up to date (flash skipped)', async () => {
    const provisioning = new FakeProvisioning();
    provisioning.duringApply = [operation({}, { flash: { state: 'skipped' }, enroll: { state: 'running' } })];
    const updates: LineWorkUpdate[] = [];
    const run = createRecipeLineWork(provisioning, '/r.yaml')(DEVICE, new AbortController().signal, (update) => updates.push(update));
    await tick();
    provisioning.end(operation({ state: 'succeeded' }));
    await run;
    expect(updates).toEqual([{ phase: 'enrolling', percent: null }]);
  });

  it('turns a failed operation into a failure naming its code, message and step', async () => {
    const provisioning = new FakeProvisioning();
    const run = createRecipeLineWork(provisioning, '/r.yaml')(DEVICE, new AbortController().signal, () => undefined);
    await tick();
    provisioning.end(
      operation(
        { state: 'failed', error: { code: 'CONFIG_VERIFY_FAILED', message: 'net/hostname read back differs', step: 'configure', isRetryable: true } },
        { flash: { state: 'done' }, enroll: { state: 'done' }, configure: { state: 'failed' } },
      ),
    );
    await expect(run).resolves.toEqual({ outcome: 'fail', code: 'CONFIG_VERIFY_FAILED', reason: 'net/hostname read back differs', step: 'configure' });
  });

  it('reports a recipe refused before anything was written (no row in the device table) as a failure at the plan', async () => {
    const provisioning = new FakeProvisioning();
    provisioning.refuse = new AppError('DEVICE_TABLE_INVALID', 'devices.csv: no row for serial FL-9');
    const run = createRecipeLineWork(provisioning, '/r.yaml')(DEVICE, new AbortController().signal, () => undefined);
    await expect(run).resolves.toEqual({ outcome: 'fail', code: 'DEVICE_TABLE_INVALID', reason: 'devices.csv: no row for serial FL-9', step: 'plan' });
    expect(provisioning.listenerCount).toBe(0);

    const changed = new FakeProvisioning();
    changed.refusePrepare = new AppError('RECIPE_INVALID', '/r.yaml changed since a supervisor locked it');
    const refused = createRecipeLineWork(changed, '/r.yaml')(DEVICE, new AbortController().signal, () => undefined);
    await expect(refused).resolves.toEqual({ outcome: 'fail', code: 'RECIPE_INVALID', reason: '/r.yaml changed since a supervisor locked it', step: 'plan' });
    expect(changed.applied).toEqual([]);
  });

  it('cancels the operation when the line aborts, also when the abort came while it was being planned', async () => {
    const provisioning = new FakeProvisioning();
    const controller = new AbortController();
    const run = createRecipeLineWork(provisioning, '/r.yaml')(DEVICE, controller.signal, () => undefined);
    await tick();
    controller.abort();
    await expect(run).resolves.toEqual({ outcome: 'fail', code: 'CANCELLED', reason: 'the operation ended cancelled', step: 'flash' });
    expect(provisioning.cancelled).toEqual(['op-1']);

    const early = new FakeProvisioning();
    const aborted = new AbortController();
    aborted.abort();
    const earlyRun = createRecipeLineWork(early, '/r.yaml')(DEVICE, aborted.signal, () => undefined);
    await expect(earlyRun).resolves.toMatchObject({ outcome: 'fail', code: 'CANCELLED' });
    expect(early.cancelled).toEqual(['op-1']);
  });
});
