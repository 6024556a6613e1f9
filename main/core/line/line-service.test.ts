import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { LineService } from './line-service';
import { LineTestRig, settle } from './line-test-rig';

const SUPERVISOR_PIN = '918273';
const OPERATOR_PIN = '4321';

let rig: LineTestRig;

beforeEach(() => {
  rig = new LineTestRig((path) => SqliteLedgerStore.open(path));
});
afterEach(async () => {
  await rig.line.stop();
  rig.close();
});

/** First run: a supervisor, an operator, the line locked to a bundle, the operator logged in. */
async function readyLine({ canaryCount = 2, approve = false } = {}): Promise<string> {
  rig.line.start();
  await rig.line.createFirstSupervisor('Sam Supervisor', SUPERVISOR_PIN);
  await rig.line.setOperator({ supervisorPin: SUPERVISOR_PIN, name: 'Olga', role: 'operator', pin: OPERATOR_PIN });
  await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, bundlePath: '/bundles/sensor-1.4.0.fwb', canaryCount });
  const operator = rig.line.snapshot().operators.find((candidate) => candidate.name === 'Olga')!;
  await rig.line.login(operator.id, OPERATOR_PIN);
  if (approve) await passCanary(canaryCount);
  return operator.id;
}

async function passCanary(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    rig.plug(`/dev/canary${i}`, `c${i}`);
    await rig.finish(`/dev/canary${i}`);
  }
  await rig.line.approveCanary(SUPERVISOR_PIN);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code);
}

describe('operators and PINs', () => {
  it('creates the first supervisor once, and never keeps or records a PIN as typed', async () => {
    rig.line.start();
    expect(rig.line.snapshot().hasSupervisor).toBe(false);
    await rig.line.createFirstSupervisor('Sam', SUPERVISOR_PIN);
    expect(rig.line.snapshot()).toMatchObject({ hasSupervisor: true, operators: [{ name: 'Sam', role: 'supervisor' }] });
    await expectCode(rig.line.createFirstSupervisor('Mallory', '0000'), 'PERMISSION_DENIED');

    const stored = JSON.stringify(rig.settings.read());
    expect(stored).not.toContain(SUPERVISOR_PIN);
    expect(stored).toContain('"algorithm":"scrypt"');
    const ledgerText = JSON.stringify([...rig.ledger.iterateEvents()]);
    expect(ledgerText).not.toContain(SUPERVISOR_PIN);
    expect(ledgerText).not.toContain('"hash"' + ':"' + rig.settings.read().operators[0]!.pin.hash);
  });

  it('refuses a wrong PIN, and an operator’s PIN where a supervisor’s is needed', async () => {
    const operatorId = await readyLine();
    await expectCode(rig.line.login(operatorId, '0000'), 'PIN_INCORRECT');
    await expectCode(rig.line.configure({ supervisorPin: OPERATOR_PIN, bundlePath: '/bundles/sensor-2.0.0.fwb' }), 'PERMISSION_DENIED');
    await expectCode(rig.line.resetCounters(OPERATOR_PIN), 'PERMISSION_DENIED');
    await expectCode(rig.line.unlock(OPERATOR_PIN), 'PERMISSION_DENIED');
    expect(rig.line.snapshot().work?.path).toBe('/bundles/sensor-1.4.0.fwb');
    const supervisor = await rig.line.unlock(SUPERVISOR_PIN);
    expect(supervisor.role).toBe('supervisor');
    expect(rig.ledgerTypes()).toContain('line.supervisor-unlocked');
  });

  it('refuses PINs for 30 s after five wrong ones, even the right one', async () => {
    const operatorId = await readyLine();
    for (let i = 0; i < 5; i += 1) await expectCode(rig.line.login(operatorId, '0000'), 'PIN_INCORRECT');
    await expect(rig.line.login(operatorId, OPERATOR_PIN)).rejects.toThrow(/try again in 30 s/);
    rig.clock.advance(30_000);
    expect((await rig.line.login(operatorId, OPERATOR_PIN)).operator?.name).toBe('Olga');
  });

  it('records sessions under the operator’s name, and each run with the operator', async () => {
    const operatorId = await readyLine();
    const deviceId = rig.plug('/dev/ttyACM0', 'aa01');
    await rig.finish('/dev/ttyACM0');
    rig.line.logout();
    const events = [...rig.ledger.iterateEvents()].filter((event) => event.type.startsWith('line.'));
    const session = events.find((event) => event.type === 'line.session-started')!;
    expect(session).toMatchObject({ actor: 'Olga', payload: { operatorId } });
    const passed = events.find((event) => event.type === 'line.run-passed')!;
    expect(passed).toMatchObject({ actor: 'Olga', deviceId, payload: { operatorId, port: 'serial:/dev/ttyACM0', isCanary: true } });
    expect(events.at(-1)).toMatchObject({ type: 'line.session-ended', actor: 'Olga' });
  });
});

describe('auto-start on plug', () => {
  it('holds devices until a bundle is locked and an operator logs in, then starts them', async () => {
    rig.line.start();
    rig.plug('/dev/ttyACM0', 'aa01');
    expect(rig.tile('/dev/ttyACM0')).toMatchObject({ state: 'held', reason: 'no bundle locked', serial: 'SN-aa01', hardwareId: 'aa01' });
    await rig.line.createFirstSupervisor('Sam', SUPERVISOR_PIN);
    await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, bundlePath: '/bundles/sensor-1.4.0.fwb' });
    expect(rig.tile('/dev/ttyACM0')).toMatchObject({ state: 'held', reason: 'log in to start' });
    expect(rig.runs).toHaveLength(0);
    const supervisor = rig.line.snapshot().operators[0]!;
    await rig.line.login(supervisor.id, SUPERVISOR_PIN);
    expect(rig.runs.map((run) => run.port)).toEqual(['serial:/dev/ttyACM0']);
  });

  it('shows each phase with its percent, then pass or fail with the reason', async () => {
    await readyLine({ approve: true });
    rig.plug('/dev/ttyACM0', 'aa01');
    rig.plug('/dev/ttyACM1', 'aa02');
    rig.runOn('/dev/ttyACM0').report({ phase: 'flashing', percent: 42 });
    expect(rig.tile('/dev/ttyACM0')).toMatchObject({ state: 'flashing', percent: 42 });
    rig.runOn('/dev/ttyACM0').report({ phase: 'verifying', percent: null });
    expect(rig.tile('/dev/ttyACM0')).toMatchObject({ state: 'verifying', percent: null });
    await rig.finish('/dev/ttyACM0');
    await rig.finish('/dev/ttyACM1', { outcome: 'fail', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' });
    expect(rig.tile('/dev/ttyACM0')).toMatchObject({ state: 'pass' });
    expect(rig.tile('/dev/ttyACM1')).toMatchObject({ state: 'fail', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' });
    expect(rig.snapshots.at(-1)?.ports.find((tile) => tile.port === 'serial:/dev/ttyACM1')?.state).toBe('fail');
  });

  it('does not redo a device replugged after a pass, and redoes one replugged after a fail', async () => {
    await readyLine({ approve: true });
    rig.plug('/dev/ttyACM0', 'aa01');
    await rig.finish('/dev/ttyACM0');
    rig.unplug('/dev/ttyACM0');
    expect(rig.tile('/dev/ttyACM0')).toMatchObject({ state: 'waiting', deviceId: null });
    // Same hardware on another port: still done.
    rig.plug('/dev/ttyACM3', 'aa01');
    expect(rig.tile('/dev/ttyACM3')).toMatchObject({ state: 'pass', reason: 'already passed' });

    rig.plug('/dev/ttyACM1', 'bb02');
    await rig.finish('/dev/ttyACM1', { outcome: 'fail', code: 'DEVICE_NOT_RESPONDING', reason: 'no answer', step: 'upload' });
    const runsBefore = rig.runs.length;
    rig.unplug('/dev/ttyACM1');
    // A failure stays on the empty port so an unplug mid-run is explained.
    expect(rig.tile('/dev/ttyACM1')).toMatchObject({ state: 'fail' });
    rig.plug('/dev/ttyACM1', 'bb02');
    expect(rig.runs).toHaveLength(runsBefore + 1);
    expect(rig.tile('/dev/ttyACM1')?.state).toBe('flashing');
  });

  it('runs only the configured ports when ports are listed', async () => {
    await readyLine({ approve: true });
    await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, ports: { mode: 'listed', addresses: ['serial:/dev/ttyACM7'] } });
    expect(rig.line.snapshot().ports.map((tile) => tile.port)).toEqual(['serial:/dev/ttyACM7']);
    const runsBefore = rig.runs.length;
    rig.plug('/dev/ttyUSB0', 'cc01');
    rig.plug('/dev/ttyACM7', 'cc02');
    expect(rig.runs.slice(runsBefore).map((run) => run.port)).toEqual(['serial:/dev/ttyACM7']);
  });
});

describe('canary', () => {
  it('runs the first N devices, waits for a supervisor’s approval, then runs the rest', async () => {
    await readyLine({ canaryCount: 2 });
    expect(rig.line.snapshot().state).toBe('canary');
    rig.plug('/dev/ttyACM0', 'aa01');
    rig.plug('/dev/ttyACM1', 'aa02');
    rig.plug('/dev/ttyACM2', 'aa03');
    expect(rig.runs).toHaveLength(2);
    expect(rig.tile('/dev/ttyACM0')?.isCanary).toBe(true);
    expect(rig.tile('/dev/ttyACM2')).toMatchObject({ state: 'held', reason: 'waiting for the canary to finish' });
    await rig.finish('/dev/ttyACM0');
    await rig.finish('/dev/ttyACM1');
    expect(rig.line.snapshot()).toMatchObject({ state: 'awaiting-approval', canary: { count: 2, done: 2, evidence: null } });
    expect(rig.tile('/dev/ttyACM2')).toMatchObject({ state: 'held', reason: 'waiting for supervisor approval' });

    await expectCode(rig.line.approveCanary(OPERATOR_PIN), 'PERMISSION_DENIED');
    expect(rig.runs).toHaveLength(2);
    expect((await rig.line.approveCanary(SUPERVISOR_PIN)).state).toBe('running');
    expect(rig.runs).toHaveLength(3);
    expect(rig.tile('/dev/ttyACM2')?.isCanary).toBe(false);
    await expectCode(rig.line.approveCanary(SUPERVISOR_PIN), 'LINE_NOT_READY');
  });

  it('stops the line with the evidence when a canary fails, until a supervisor resumes', async () => {
    await readyLine({ canaryCount: 2 });
    const failing = rig.plug('/dev/ttyACM0', 'aa01');
    await rig.finish('/dev/ttyACM0', { outcome: 'fail', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' });
    expect(rig.line.snapshot()).toMatchObject({
      state: 'stopped',
      canary: { evidence: { deviceId: failing, port: 'serial:/dev/ttyACM0', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' } },
    });
    expect(rig.ledgerTypes()).toContain('line.stopped');
    rig.plug('/dev/ttyACM1', 'aa02');
    expect(rig.tile('/dev/ttyACM1')).toMatchObject({ state: 'held', reason: 'line stopped: canary failed' });
    await expectCode(rig.line.resume(OPERATOR_PIN), 'PERMISSION_DENIED');
    expect((await rig.line.resume(SUPERVISOR_PIN)).state).toBe('canary');
    expect(rig.tile('/dev/ttyACM1')).toMatchObject({ state: 'flashing', isCanary: true });
  });

  it('starts a new canary when the locked bundle changes, not when only the ports change', async () => {
    await readyLine({ canaryCount: 1, approve: true });
    await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, ports: { mode: 'all' } });
    expect(rig.line.snapshot().state).toBe('running');
    const next = await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, bundlePath: '/bundles/sensor-1.5.0.fwb' });
    expect(next).toMatchObject({ state: 'canary', work: { version: '1.5.0' }, canary: { count: 1, done: 0 } });
  });

  it('locks a recipe as the work: a new recipe starts a canary, the same one again does not, and runs pass it', async () => {
    await readyLine({ canaryCount: 1, approve: true });
    const locked = await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, recipePath: '/recipes/lab-sensor-1.0.0/recipe.yaml' });
    expect(locked).toMatchObject({ state: 'canary', work: { kind: 'recipe', label: 'lab-sensor@1.0.0' }, canary: { done: 0 } });
    const deviceId = rig.plug('/dev/ttyACM5', 'r1');
    await settle();
    expect(rig.runOn('/dev/ttyACM5').deviceId).toBe(deviceId);
    await rig.finish('/dev/ttyACM5');
    expect(rig.line.snapshot().state).toBe('awaiting-approval');
    await rig.line.approveCanary(SUPERVISOR_PIN);
    const again = await rig.line.configure({ supervisorPin: SUPERVISOR_PIN, recipePath: '/recipes/lab-sensor-1.0.0/recipe.yaml' });
    expect(again.state).toBe('running');
    const configured = [...rig.ledger.iterateEvents()].filter((event) => event.type === 'line.configured').at(-1)!;
    expect(configured.payload).toMatchObject({ work: { kind: 'recipe', recipe: { name: 'lab-sensor', version: '1.0.0' } } });
  });

  it('refuses a bundle and a recipe at once, a recipe where the host cannot provision, and an operator locking one', async () => {
    await readyLine({ canaryCount: 1 });
    await expectCode(rig.line.configure({ supervisorPin: SUPERVISOR_PIN, bundlePath: '/b/x-1.0.0.fwb', recipePath: '/r/recipe.yaml' }), 'INVALID_INPUT');
    await expectCode(rig.line.configure({ supervisorPin: OPERATOR_PIN, recipePath: '/r/recipe.yaml' }), 'PERMISSION_DENIED');
    expect(rig.line.snapshot().work).toMatchObject({ kind: 'bundle', path: '/bundles/sensor-1.4.0.fwb' });
    const withoutProvisioning = new LineService({ ...rig.lineOptions(), describeRecipe: undefined });
    await expectCode(withoutProvisioning.configure({ supervisorPin: SUPERVISOR_PIN, recipePath: '/r/recipe.yaml' }), 'NOT_IMPLEMENTED');
  });
});

describe('counters', () => {
  it('counts passes, failures, first-pass yield and the Pareto by reason and port', async () => {
    await readyLine({ approve: true, canaryCount: 1 });
    await rig.line.resetCounters(SUPERVISOR_PIN);
    const fail = (port: string, code: string) => rig.finish(port, { outcome: 'fail', code, reason: code.toLowerCase(), step: 'upload' });
    rig.plug('/dev/p1', 'd1');
    await rig.finish('/dev/p1');
    rig.plug('/dev/p2', 'd2');
    await fail('/dev/p2', 'DEVICE_NOT_RESPONDING');
    rig.unplug('/dev/p2');
    rig.plug('/dev/p2', 'd2');
    await rig.finish('/dev/p2');
    rig.plug('/dev/p3', 'd3');
    await fail('/dev/p3', 'DEVICE_NOT_RESPONDING');
    rig.plug('/dev/p4', 'd4');
    await fail('/dev/p4', 'FLASH_REVERTED');

    const { counters } = rig.line.snapshot();
    expect(counters).toMatchObject({ passed: 2, failed: 3, devicesRun: 4, firstPassYield: 0.25 });
    expect(counters.paretoByReason).toEqual([
      { key: 'DEVICE_NOT_RESPONDING', count: 2 },
      { key: 'FLASH_REVERTED', count: 1 },
    ]);
    expect(counters.paretoByPort).toEqual([
      { key: 'serial:/dev/p2', count: 1 },
      { key: 'serial:/dev/p3', count: 1 },
      { key: 'serial:/dev/p4', count: 1 },
    ]);

    await rig.line.resetCounters(SUPERVISOR_PIN);
    expect(rig.line.snapshot().counters).toMatchObject({ passed: 0, failed: 0, devicesRun: 0, firstPassYield: null, paretoByReason: [] });
  });

  it('gives devices per hour over the last hour, extrapolated while the line has run less than that', async () => {
    await readyLine({ approve: true, canaryCount: 1 });
    await rig.line.resetCounters(SUPERVISOR_PIN);
    for (let i = 0; i < 6; i += 1) {
      rig.plug(`/dev/r${i}`, `r${i}`);
      rig.clock.advance(60_000);
      await rig.finish(`/dev/r${i}`);
    }
    // 6 passes in the 6 minutes since the reset: 60 an hour.
    expect(rig.line.snapshot().counters.devicesPerHour).toBe(60);
    rig.clock.advance(54 * 60_000);
    // An hour since the reset, still 6 in the last hour.
    expect(rig.line.snapshot().counters.devicesPerHour).toBe(6);
    rig.clock.advance(30 * 60_000);
    expect(rig.line.snapshot().counters.devicesPerHour).toBe(0);
  });
});

describe('after a restart', () => {
  it('rebuilds counters, canary and the replug rule from the ledger, and closes runs left open', async () => {
    await readyLine({ canaryCount: 2 });
    rig.plug('/dev/ttyACM0', 'aa01');
    rig.plug('/dev/ttyACM1', 'aa02');
    await rig.finish('/dev/ttyACM0');
    // The station dies with /dev/ttyACM1's run in flight.
    const before = rig.line.snapshot();
    expect(before.counters).toMatchObject({ passed: 1, failed: 0 });

    const line = rig.restart();
    const after = line.snapshot();
    expect(after.counters).toMatchObject({ passed: 1, failed: 1, devicesRun: 2, paretoByReason: [{ key: 'JOB_INTERRUPTED', count: 1 }] });
    expect(after.work?.path).toBe('/bundles/sensor-1.4.0.fwb');
    // The interrupted run was a canary: the line stops with it as evidence rather than trusting it.
    expect(after.state).toBe('stopped');
    expect(after.canary.evidence).toMatchObject({ port: 'serial:/dev/ttyACM1', code: 'JOB_INTERRUPTED' });
    // No one is logged in after a restart.
    expect(after.operator).toBeNull();
    expect(after.ports.find((tile) => tile.port === 'serial:/dev/ttyACM0')).toMatchObject({ state: 'pass', reason: 'already passed' });
    await settle();
  });
});

describe('first run', () => {
  it('lets only one of two simultaneous first-supervisor requests win', async () => {
    rig.line.start();
    const results = await Promise.allSettled([rig.line.createFirstSupervisor('Sam', SUPERVISOR_PIN), rig.line.createFirstSupervisor('Mallory', '0000')]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(rig.line.snapshot().operators).toHaveLength(1);
  });
});
