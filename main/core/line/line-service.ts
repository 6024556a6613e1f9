import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../../../shared/contract';
import type { LineOperator, LineSnapshot, LineState, LockedWork, OperatorRole } from '../../../shared/contract/line';
import { AppError, toAppError } from '../../../shared/errors';
import { parseHlc } from '../../../shared/ledger/hlc';
import type { LiveDevice, RegistryChange } from '../discovery/device-registry';
import type { Disposable } from '../event-bus';
import type { AppendRequest } from '../ledger/ledger-service';
import type { Clock } from '../ports/clock';
import type { StoredEvent } from '../ports/ledger-store';
import type { Logger } from '../ports/logger';
import type { LineSettingsStore } from './line-settings';
import { LINE_EVENTS, readPayload, type ConfiguredPayload, type RunStartedPayload } from './line-records';
import { LineTally } from './line-tally';
import type { LineWork, LineWorkOutcome, LineWorkUpdate } from './line-work';
import { OperatorDirectory } from './operator-directory';
import { emptyTile, occupantsByPort, PortBoard, type PortMode, type PortOccupant, type PortSlot } from './port-board';

export interface LineServiceOptions {
  ledger: { append: (request: AppendRequest) => StoredEvent; iterateEvents: () => Iterable<StoredEvent> };
  registry: { list: () => LiveDevice[]; onChanged: (listener: (change: RegistryChange) => void) => Disposable };
  settings: LineSettingsStore;
  clock: Clock;
  logger: Logger;
  /** The work a port runs for the locked work: a flash job of a bundle, or a provision operation of a recipe. */
  workFor: (work: LockedWork) => LineWork;
  /** Reads a bundle a supervisor locks (describe-bundle-work.ts); throws a typed error if it cannot. */
  describeWork: (bundlePath: string) => LockedWork;
  /** Reads a recipe a supervisor locks (describe-recipe-work.ts); absent where the host cannot provision. */
  describeRecipe?: (recipePath: string) => Promise<LockedWork>;
  onChanged: (snapshot: LineSnapshot) => void;
  /** scrypt cost for PINs; tests pass a cheap one. */
  pinCost?: { N: number; r: number; p: number };
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Factory station mode: starts the locked work on every device plugged into a line port while an
 * operator is logged in, gates a new work version behind a canary and a supervisor's approval, and
 * records every run and session in the ledger, from which counters are rebuilt at start.
 */
export class LineService {
  readonly #options: LineServiceOptions;
  readonly #operators: OperatorDirectory;
  readonly #board = new PortBoard();
  #tally = new LineTally();
  #work: LockedWork | null = null;
  #operator: LineOperator | null = null;
  readonly #runs = new Map<string, ActiveRun>();
  #registrySubscription: Disposable | null = null;
  #isStarted = false;

  constructor(options: LineServiceOptions) {
    this.#options = options;
    this.#operators = new OperatorDirectory({ settings: options.settings, clock: options.clock, ...(options.pinCost ? { pinCost: options.pinCost } : {}) });
  }

  /** Rebuilds counters and canary from the ledger, ends runs a crash left open, then watches the ports. */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    this.#tally = new LineTally();
    for (const event of this.#options.ledger.iterateEvents()) {
      if (!event.type.startsWith('line.')) continue;
      const atMs = parseHlc(event.hlc)?.wallMs ?? 0;
      if (event.type === LINE_EVENTS.configured) this.#work = readPayload<ConfiguredPayload>(event.payload, ['work'])?.work ?? this.#work;
      this.#tally.apply({ type: event.type, deviceId: event.deviceId, payload: event.payload, atMs });
    }
    for (const open of this.#tally.openRuns()) {
      this.#record('station', LINE_EVENTS.runFailed, open.deviceId, {
        ...open.payload,
        durationMs: Math.max(0, this.#options.clock.nowMs() - open.atMs),
        code: 'JOB_INTERRUPTED',
        reason: 'the station stopped during this run',
        step: 'unknown',
      });
    }
    this.#board.configure(this.#portMode());
    this.#registrySubscription = this.#options.registry.onChanged(() => this.#syncPorts());
    this.#syncPorts();
  }

  /** Aborts the runs in flight and waits for them to be recorded. */
  async stop(): Promise<void> {
    this.#registrySubscription?.dispose();
    this.#registrySubscription = null;
    const runs = [...this.#runs.values()];
    for (const run of runs) run.controller.abort(new AppError('CANCELLED', 'The station is stopping'));
    await Promise.all(runs.map((run) => run.done));
  }

  snapshot(): LineSnapshot {
    const canary = this.#tally.canary();
    const settings = this.#options.settings.read();
    return {
      state: this.#state(),
      work: this.#work,
      ports: this.#board.tiles(),
      portMode: settings.ports.mode,
      counters: this.#tally.counters(this.#options.clock.nowMs()),
      canary: { count: canary.workKey === null ? settings.canaryCount : canary.count, done: canary.done, evidence: canary.evidence },
      operator: this.#operator,
      operators: this.#operators.list(),
      hasSupervisor: this.#operators.hasSupervisor(),
    };
  }

  async createFirstSupervisor(name: string, pin: string): Promise<LineSnapshot> {
    const supervisor = await this.#operators.createFirstSupervisor(name, pin);
    this.#record(supervisor.name, LINE_EVENTS.operatorSet, null, { operatorId: supervisor.id, name: supervisor.name, role: supervisor.role, isFirstSupervisor: true });
    return this.#changed();
  }

  async login(operatorId: string, pin: string): Promise<LineSnapshot> {
    const operator = await this.#operators.authenticate(operatorId, pin);
    if (this.#operator !== null) this.#endSession('another operator logged in');
    this.#operator = operator;
    this.#record(operator.name, LINE_EVENTS.sessionStarted, null, { operatorId: operator.id, name: operator.name, role: operator.role });
    this.#startHeldDevices();
    return this.#changed();
  }

  logout(): LineSnapshot {
    if (this.#operator !== null) this.#endSession('logged out');
    this.#holdWaitingDevices();
    return this.#changed();
  }

  async unlock(supervisorPin: string): Promise<LineOperator> {
    const supervisor = await this.#operators.requireSupervisor(supervisorPin);
    this.#record(supervisor.name, LINE_EVENTS.supervisorUnlocked, null, { supervisorId: supervisor.id });
    return supervisor;
  }

  async configure(request: { supervisorPin: string; bundlePath?: string; recipePath?: string; ports?: PortMode; canaryCount?: number }): Promise<LineSnapshot> {
    const supervisor = await this.#operators.requireSupervisor(request.supervisorPin);
    const work = await this.#describeRequestedWork(request);
    const settings = this.#options.settings.read();
    const next = { ...settings, ports: request.ports ?? settings.ports, canaryCount: request.canaryCount ?? settings.canaryCount };
    this.#options.settings.write(next);
    this.#work = work;
    const payload: ConfiguredPayload = { work, ports: next.ports, canaryCount: next.canaryCount, supervisorId: supervisor.id };
    this.#record(supervisor.name, LINE_EVENTS.configured, null, payload as unknown as JsonValue);
    this.#board.configure(next.ports);
    this.#syncPorts();
    this.#startHeldDevices();
    return this.#changed();
  }

  /** The work the request locks (the current one when it names none); read before anything changes. */
  async #describeRequestedWork(request: { bundlePath?: string; recipePath?: string }): Promise<LockedWork | null> {
    if (request.bundlePath !== undefined && request.recipePath !== undefined)
      throw new AppError('INVALID_INPUT', 'lock a bundle or a recipe, not both (bundlePath and recipePath were given)');
    if (request.bundlePath !== undefined) return this.#options.describeWork(request.bundlePath);
    if (request.recipePath === undefined) return this.#work;
    if (this.#options.describeRecipe === undefined)
      throw new AppError('NOT_IMPLEMENTED', 'this host cannot reach devices to provision them, so it cannot lock a recipe');
    return this.#options.describeRecipe(request.recipePath);
  }

  async setOperator(request: { supervisorPin: string; name: string; role: OperatorRole; pin: string }): Promise<LineSnapshot> {
    const supervisor = await this.#operators.requireSupervisor(request.supervisorPin);
    const operator = await this.#operators.setOperator(request.name, request.role, request.pin);
    this.#record(supervisor.name, LINE_EVENTS.operatorSet, null, { operatorId: operator.id, name: operator.name, role: operator.role });
    return this.#changed();
  }

  async removeOperator(request: { supervisorPin: string; operatorId: string }): Promise<LineSnapshot> {
    const supervisor = await this.#operators.requireSupervisor(request.supervisorPin);
    const operator = this.#operators.removeOperator(request.operatorId);
    this.#record(supervisor.name, LINE_EVENTS.operatorRemoved, null, { operatorId: operator.id, name: operator.name });
    if (this.#operator?.id === operator.id) this.#endSession('operator removed');
    return this.#changed();
  }

  async approveCanary(supervisorPin: string): Promise<LineSnapshot> {
    const supervisor = await this.#operators.requireSupervisor(supervisorPin);
    if (this.#state() !== 'awaiting-approval') {
      throw new AppError('LINE_NOT_READY', `there is no canary waiting for approval (the line is ${this.#state()})`);
    }
    this.#record(supervisor.name, LINE_EVENTS.canaryApproved, null, { workKey: this.#work?.key ?? null, supervisorId: supervisor.id });
    this.#startHeldDevices();
    return this.#changed();
  }

  async resume(supervisorPin: string): Promise<LineSnapshot> {
    const supervisor = await this.#operators.requireSupervisor(supervisorPin);
    if (this.#state() !== 'stopped') throw new AppError('LINE_NOT_READY', `the line is not stopped (it is ${this.#state()})`);
    this.#record(supervisor.name, LINE_EVENTS.resumed, null, { workKey: this.#work?.key ?? null, supervisorId: supervisor.id });
    this.#startHeldDevices();
    return this.#changed();
  }

  async resetCounters(supervisorPin: string): Promise<LineSnapshot> {
    const supervisor = await this.#operators.requireSupervisor(supervisorPin);
    this.#record(supervisor.name, LINE_EVENTS.countersReset, null, { supervisorId: supervisor.id });
    return this.#changed();
  }

  #state(): LineState {
    if (this.#work === null) return 'not-configured';
    const canary = this.#tally.canary();
    if (canary.evidence !== null) return 'stopped';
    if (canary.isApproved) return 'running';
    return canary.done >= canary.count ? 'awaiting-approval' : 'canary';
  }

  #portMode(): PortMode {
    return this.#options.settings.read().ports;
  }

  /** Matches the ports to what discovery sees: arrivals start (or wait), departures free the tile. */
  #syncPorts(): void {
    if (!this.#isStarted) return;
    const occupants = occupantsByPort(this.#options.registry.list(), this.#portMode());
    let isChanged = false;
    for (const port of occupants.keys()) this.#board.slot(port);
    for (const slot of this.#board.slots()) {
      const occupant = occupants.get(slot.tile.port) ?? null;
      if (slot.runId !== null) continue;
      if (occupant !== null && (occupant.deviceId !== slot.tile.deviceId || !slot.isPresent)) {
        this.#arrived(slot, occupant);
        isChanged = true;
      } else if (occupant === null && slot.isPresent) {
        slot.isPresent = false;
        // A failure stays on the tile until the next device arrives, so an unplug mid-run is explained.
        if (slot.tile.state !== 'fail') slot.tile = emptyTile(slot.tile.port, slot.tile.label);
        isChanged = true;
      }
    }
    if (isChanged) {
      this.#startHeldDevices();
      this.#changed();
    }
  }

  #arrived(slot: PortSlot, occupant: PortOccupant): void {
    slot.isPresent = true;
    const base = { ...slot.tile, ...occupant, percent: null, code: null, step: null, since: this.#nowIso(), isCanary: false };
    const isDone = this.#work !== null && this.#tally.hasPassed(this.#work.key, occupant.hardwareId, occupant.deviceId);
    // Replug rule: a device that passed this work is not run again; one that failed is.
    slot.tile = isDone ? { ...base, state: 'pass', reason: 'already passed' } : { ...base, state: 'held', reason: null };
  }

  #holdReason(): string | null {
    const state = this.#state();
    if (state === 'not-configured') return 'no bundle locked';
    if (state === 'stopped') return 'line stopped: canary failed';
    if (state === 'awaiting-approval') return 'waiting for supervisor approval';
    if (this.#operator === null) return 'log in to start';
    if (state === 'canary' && this.#canarySlotsLeft() <= 0) return 'waiting for the canary to finish';
    return null;
  }

  #canarySlotsLeft(): number {
    const canary = this.#tally.canary();
    const inFlight = this.#board.slots().filter((slot) => slot.runId !== null && slot.tile.isCanary).length;
    return canary.count - canary.done - inFlight;
  }

  #startHeldDevices(): void {
    for (const slot of this.#board.slots()) {
      if (slot.tile.state !== 'held' || slot.tile.deviceId === null) continue;
      const reason = this.#holdReason();
      if (reason !== null) {
        slot.tile = { ...slot.tile, reason };
        continue;
      }
      this.#startRun(slot);
    }
  }

  #holdWaitingDevices(): void {
    const reason = this.#holdReason();
    for (const slot of this.#board.slots()) if (slot.tile.state === 'held') slot.tile = { ...slot.tile, reason };
  }

  #startRun(slot: PortSlot): void {
    const work = this.#work!;
    const operator = this.#operator!;
    const deviceId = slot.tile.deviceId!;
    const payload: RunStartedPayload = {
      runId: randomUUID(),
      port: slot.tile.port,
      workKey: work.key,
      operatorId: operator.id,
      isCanary: this.#state() === 'canary',
      hardwareId: slot.tile.hardwareId,
      serial: slot.tile.serial,
    };
    this.#record(operator.name, LINE_EVENTS.runStarted, deviceId, payload as unknown as JsonValue);
    const startedMs = this.#options.clock.nowMs();
    slot.runId = payload.runId;
    slot.tile = { ...slot.tile, state: 'flashing', percent: null, reason: null, since: new Date(startedMs).toISOString(), isCanary: payload.isCanary };
    const controller = new AbortController();
    const report = (update: LineWorkUpdate): void => {
      if (slot.runId !== payload.runId) return;
      slot.tile = { ...slot.tile, state: update.phase, percent: update.percent };
      this.#changed();
    };
    const done = this.#runWork(work, { deviceId, port: slot.tile.port }, controller.signal, report).then((outcome) => {
      this.#ended(slot, operator, payload, startedMs, outcome);
      this.#runs.delete(payload.runId);
    });
    this.#runs.set(payload.runId, { controller, done });
  }

  async #runWork(work: LockedWork, device: { deviceId: string; port: string }, signal: AbortSignal, report: (update: LineWorkUpdate) => void): Promise<LineWorkOutcome> {
    try {
      return await this.#options.workFor(work)(device, signal, report);
    } catch (error: unknown) {
      const failure = toAppError(error);
      return { outcome: 'fail', code: failure.code, reason: failure.message, step: 'unknown' };
    }
  }

  #ended(slot: PortSlot, operator: LineOperator, started: RunStartedPayload, startedMs: number, outcome: LineWorkOutcome): void {
    const durationMs = this.#options.clock.nowMs() - startedMs;
    try {
      if (outcome.outcome === 'pass') {
        this.#record(operator.name, LINE_EVENTS.runPassed, slot.tile.deviceId, { ...started, durationMs });
      } else {
        const { code, reason, step } = outcome;
        this.#record(operator.name, LINE_EVENTS.runFailed, slot.tile.deviceId, { ...started, durationMs, code, reason, step });
        if (started.isCanary && this.#tally.canary().evidence?.deviceId === slot.tile.deviceId) {
          this.#record('station', LINE_EVENTS.stopped, slot.tile.deviceId, { reason: 'canary-failed', evidence: { ...this.#tally.canary().evidence!, runId: started.runId } });
        }
      }
    } catch (error: unknown) {
      // The ledger refused the end of the run: the start stays open there and is closed as interrupted at the next start.
      this.#options.logger.error({ err: error, runId: started.runId }, 'could not record the end of a line run');
    }
    slot.runId = null;
    slot.tile =
      outcome.outcome === 'pass'
        ? { ...slot.tile, state: 'pass', percent: 100, reason: null, code: null, step: null }
        : { ...slot.tile, state: 'fail', percent: null, reason: outcome.reason, code: outcome.code, step: outcome.step };
    // The device may have left during the run; the tile shows the result until the next sync frees it.
    this.#syncPorts();
    this.#startHeldDevices();
    this.#changed();
  }

  #endSession(reason: string): void {
    const operator = this.#operator!;
    this.#operator = null;
    this.#record(operator.name, LINE_EVENTS.sessionEnded, null, { operatorId: operator.id, name: operator.name, reason });
  }

  #record(actor: string, type: string, deviceId: string | null, payload: JsonValue): void {
    this.#options.ledger.append({ actor, deviceId, type, payload });
    this.#tally.apply({ type, deviceId, payload, atMs: this.#options.clock.nowMs() });
  }

  #changed(): LineSnapshot {
    const snapshot = this.snapshot();
    this.#options.onChanged(snapshot);
    return snapshot;
  }

  #nowIso(): string {
    return new Date(this.#options.clock.nowMs()).toISOString();
  }
}
