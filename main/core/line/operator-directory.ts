import { randomUUID } from 'node:crypto';
import type { LineOperator, OperatorRole } from '../../../shared/contract/line';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../ports/clock';
import { hashPin, pinMatches, type PinHash } from './operator-pin';
import type { LineSettingsStore, StoredOperator } from './line-settings';

/** Wrong PINs in a row before the station refuses PINs for a while: a 4-digit PIN is easy to guess otherwise. */
const MAX_WRONG_PINS = 5;
const LOCKOUT_MS = 30_000;

export interface OperatorDirectoryOptions {
  settings: LineSettingsStore;
  clock: Clock;
  /** scrypt cost; tests pass a cheap one. */
  pinCost?: { N: number; r: number; p: number };
}

/** The line's operators and supervisors, their PIN checks and the lockout after repeated wrong PINs. */
export class OperatorDirectory {
  readonly #options: OperatorDirectoryOptions;
  #wrongPins = 0;
  #lockedUntilMs = 0;

  constructor(options: OperatorDirectoryOptions) {
    this.#options = options;
  }

  list(): LineOperator[] {
    return this.#operators().map(publicOperator);
  }

  hasSupervisor(): boolean {
    return this.#operators().some((operator) => operator.role === 'supervisor');
  }

  /** First run: the station has no operator at all, so whoever holds the station URL sets the first supervisor. */
  async createFirstSupervisor(name: string, pin: string): Promise<LineOperator> {
    this.#refuseWhenAnyOperator();
    const hashed = await this.#hash(pin);
    // Checked again after the (asynchronous) hash: two first-run requests at once must not both win.
    this.#refuseWhenAnyOperator();
    return this.#save({ id: newOperatorId(), name, role: 'supervisor', pin: hashed });
  }

  #refuseWhenAnyOperator(): void {
    if (this.#operators().length > 0) {
      throw new AppError('PERMISSION_DENIED', 'the station already has operators; a supervisor adds new ones');
    }
  }

  async authenticate(operatorId: string, pin: string): Promise<LineOperator> {
    this.#refuseWhileLocked();
    const operator = this.#operators().find((candidate) => candidate.id === operatorId);
    if (operator === undefined) throw new AppError('NOT_FOUND', `no operator ${operatorId} on this station`, { details: { operatorId } });
    if (!(await pinMatches(pin, operator.pin))) throw this.#wrongPin();
    this.#wrongPins = 0;
    return publicOperator(operator);
  }

  /** The supervisor whose PIN this is; PERMISSION_DENIED when it is an operator's PIN. */
  async requireSupervisor(pin: string): Promise<LineOperator> {
    this.#refuseWhileLocked();
    const operators = this.#operators();
    for (const supervisor of operators.filter((operator) => operator.role === 'supervisor')) {
      if (!(await pinMatches(pin, supervisor.pin))) continue;
      this.#wrongPins = 0;
      return publicOperator(supervisor);
    }
    // Only now the operators' hashes, to tell "not a supervisor" from "wrong PIN".
    for (const operator of operators.filter((candidate) => candidate.role !== 'supervisor')) {
      if (await pinMatches(pin, operator.pin)) {
        throw new AppError('PERMISSION_DENIED', 'this needs a supervisor’s PIN; an operator’s PIN was entered');
      }
    }
    if (!this.hasSupervisor()) throw new AppError('LINE_NOT_READY', 'the station has no supervisor yet; create the first one');
    throw this.#wrongPin();
  }

  /** Adds an operator, or gives the one with this name a new PIN and role. */
  async setOperator(name: string, role: OperatorRole, pin: string): Promise<LineOperator> {
    const existing = this.#operators().find((operator) => operator.name.toLowerCase() === name.toLowerCase());
    if (existing?.role === 'supervisor' && role !== 'supervisor') this.#refuseLastSupervisor(existing.id);
    return this.#save({ id: existing?.id ?? newOperatorId(), name, role, pin: await this.#hash(pin) });
  }

  removeOperator(operatorId: string): LineOperator {
    const settings = this.#options.settings.read();
    const operator = settings.operators.find((candidate) => candidate.id === operatorId);
    if (operator === undefined) throw new AppError('NOT_FOUND', `no operator ${operatorId} on this station`, { details: { operatorId } });
    if (operator.role === 'supervisor') this.#refuseLastSupervisor(operatorId);
    this.#options.settings.write({ ...settings, operators: settings.operators.filter((candidate) => candidate.id !== operatorId) });
    return publicOperator(operator);
  }

  #refuseLastSupervisor(operatorId: string): void {
    const others = this.#operators().filter((operator) => operator.role === 'supervisor' && operator.id !== operatorId);
    if (others.length === 0) throw new AppError('PERMISSION_DENIED', 'the station must keep at least one supervisor');
  }

  #save(operator: StoredOperator): LineOperator {
    const settings = this.#options.settings.read();
    const others = settings.operators.filter((candidate) => candidate.id !== operator.id);
    this.#options.settings.write({ ...settings, operators: [...others, operator] });
    return publicOperator(operator);
  }

  #hash(pin: string): Promise<PinHash> {
    return hashPin(pin, this.#options.pinCost);
  }

  #operators(): StoredOperator[] {
    return this.#options.settings.read().operators;
  }

  #refuseWhileLocked(): void {
    const waitMs = this.#lockedUntilMs - this.#options.clock.nowMs();
    if (waitMs > 0) {
      throw new AppError('PIN_INCORRECT', `too many wrong PINs; try again in ${Math.ceil(waitMs / 1000)} s`, {
        details: { retryAfterSeconds: Math.ceil(waitMs / 1000) },
      });
    }
  }

  #wrongPin(): AppError {
    this.#wrongPins += 1;
    if (this.#wrongPins >= MAX_WRONG_PINS) {
      this.#wrongPins = 0;
      this.#lockedUntilMs = this.#options.clock.nowMs() + LOCKOUT_MS;
      return new AppError('PIN_INCORRECT', `wrong PIN ${MAX_WRONG_PINS} times; PINs are refused for ${LOCKOUT_MS / 1000} s`);
    }
    return new AppError('PIN_INCORRECT', 'wrong PIN');
  }
}

function publicOperator({ id, name, role }: StoredOperator): LineOperator {
  return { id, name, role };
}

function newOperatorId(): string {
  return `op-${randomUUID().slice(0, 8)}`;
}
