import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import { systemClock } from '../ports/clock';
import { silentLogger } from '../ports/logger';
import { TERMINAL_OPERATION_EVENTS } from './operation-records';
import { OperationService, type OperationStepDefinition } from './operation-service';

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: LedgerService;
let changes: OperationSummary[];

function service(options: { isOwnerAlive?: (pid: number) => boolean } = {}): OperationService {
  return new OperationService({
    ledger,
    clock: systemClock,
    logger: silentLogger,
    onChanged: (operation) => changes.push(operation),
    progressIntervalMs: 20,
    ...options,
  });
}

function step(name: string, run: OperationStepDefinition['run']): OperationStepDefinition {
  return { name, label: `Do ${name}`, run };
}

function typesOf(deviceId: string): string[] {
  return ledger.deviceHistory(deviceId).map((event) => event.type);
}

beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  ledger = new LedgerService(store, systemClock);
  changes = [];
});

afterEach(() => {
  store.close();
  dir.remove();
});

describe('OperationService', () => {
  it('runs steps in order and records start, each step, and one terminal event', async () => {
    const order: string[] = [];
    const operations = service();
    const started = operations.start({
      kind: 'provision',
      deviceId: 'dev-1',
      title: 'recipe demo@1',
      facts: { recipeSha256: 'ab'.repeat(32) },
      steps: [
        step('flash', () => {
          order.push('flash');
          return Promise.resolve({ skipped: 'already runs 2.0.0' });
        }),
        step('configure', () => {
          order.push('configure');
          return Promise.resolve({ evidence: { keys: 3 }, detail: '3 settings written' });
        }),
      ],
    });
    expect(started.state).toBe('running');
    expect(started.steps[0]!.state).toBe('running');
    const done = await operations.whenDone(started.id);

    expect(order).toEqual(['flash', 'configure']);
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((s) => [s.name, s.state, s.detail])).toEqual([
      ['flash', 'skipped', 'already runs 2.0.0'],
      ['configure', 'done', '3 settings written'],
    ]);
    expect(typesOf('dev-1')).toEqual([
      'operation.started',
      'operation.step-skipped',
      'operation.step-completed',
      'operation.succeeded',
    ]);
    const startedEvent = ledger.deviceHistory('dev-1')[0]!;
    expect(startedEvent.payload).toMatchObject({ kind: 'provision', recipeSha256: 'ab'.repeat(32) });
    expect(changes.at(-1)?.state).toBe('succeeded');
  });

  it('fails naming the step, stops there, and records the error code', async () => {
    const operations = service();
    let isLaterStepRun = false;
    const op = operations.start({
      kind: 'retire',
      deviceId: 'dev-2',
      title: 'Purge',
      steps: [
        step('wipe', () => Promise.reject(new AppError('DEVICE_NOT_RESPONDING', 'no answer to zeroize'))),
        step('certify', () => {
          isLaterStepRun = true;
          return Promise.resolve({});
        }),
      ],
    });
    const done = await operations.whenDone(op.id);

    expect(isLaterStepRun).toBe(false);
    expect(done.state).toBe('failed');
    expect(done.error).toEqual({
      code: 'DEVICE_NOT_RESPONDING',
      message: 'no answer to zeroize',
      step: 'wipe',
      isRetryable: true,
    });
    expect(done.steps[1]!.state).toBe('pending');
    const failed = ledger.deviceHistory('dev-2').at(-1)!;
    expect(failed.type).toBe('operation.failed');
    expect(failed.payload).toMatchObject({ step: 'wipe', code: 'DEVICE_NOT_RESPONDING' });
  });

  it('cancels a running step and records it cancelled once', async () => {
    const operations = service();
    const op = operations.start({
      kind: 'provision',
      deviceId: 'dev-3',
      title: 't',
      steps: [
        step(
          'flash',
          ({ signal }) =>
            new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
        ),
      ],
    });
    operations.cancel(op.id);
    const done = await operations.whenDone(op.id);
    expect(done.state).toBe('cancelled');
    const terminal = typesOf('dev-3').filter((type) =>
      (TERMINAL_OPERATION_EVENTS as readonly string[]).includes(type),
    );
    expect(terminal).toEqual(['operation.cancelled']);
  });

  it('refuses a second operation on a busy device', async () => {
    const operations = service();
    let release: () => void = () => undefined;
    const op = operations.start({
      kind: 'enroll',
      deviceId: 'dev-4',
      title: 't',
      steps: [step('enroll', () => new Promise((resolve) => (release = () => resolve({}))))],
    });
    expect(() => operations.start({ kind: 'retire', deviceId: 'dev-4', title: 't', steps: [] })).toThrow(
      AppError,
    );
    expect(() =>
      operations.start({
        kind: 'retire',
        deviceId: 'dev-4',
        title: 't',
        steps: [step('x', () => Promise.resolve({}))],
      }),
    ).toThrow(/already running on dev-4/);
    release();
    await operations.whenDone(op.id);
  });

  it('reports progress with a rate, throttled, and links a flash job', async () => {
    const operations = service();
    const op = operations.start({
      kind: 'provision',
      deviceId: 'dev-5',
      title: 't',
      steps: [
        step('flash', async ({ progress, linkJob }) => {
          linkJob('job-1');
          for (let done = 0; done <= 1000; done += 100) {
            progress(done, 1000);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          return {};
        }),
      ],
    });
    const done = await operations.whenDone(op.id);
    expect(done.jobId).toBe('job-1');
    const withProgress = changes.filter((change) => change.steps[0]?.progress !== null);
    // 11 updates in ~55 ms with a 20 ms interval: throttled, but some arrive.
    expect(withProgress.length).toBeGreaterThan(0);
    expect(withProgress.length).toBeLessThan(11);
    const last = done.steps[0]!.progress!;
    expect(last).toMatchObject({ done: 1000, total: 1000, unit: 'bytes', etaSeconds: 0 });
    expect(last.perSecond).toBeGreaterThan(0);
  });

  it('ends operations a crashed process left unfinished as failed, interrupted, exactly once', () => {
    const first = service({ isOwnerAlive: () => true });
    first.start({
      kind: 'provision',
      deviceId: 'dev-6',
      title: 't',
      steps: [step('flash', () => new Promise(() => undefined))],
    });
    // A new station run whose predecessor's process is gone.
    const second = service({ isOwnerAlive: () => false });
    const recovered = second.recover();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.error?.code).toBe('JOB_INTERRUPTED');
    expect(second.recover()).toHaveLength(0);
    expect(typesOf('dev-6')).toEqual(['operation.started', 'operation.failed']);
  });
});
