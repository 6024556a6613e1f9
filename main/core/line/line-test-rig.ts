import type { LineSnapshot, LockedWork } from '../../../shared/contract/line';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { DeviceRegistry } from '../discovery/device-registry';
import { LedgerService } from '../ledger/ledger-service';
import type { LedgerStore } from '../ports/ledger-store';
import { silentLogger } from '../ports/logger';
import { MemoryLineSettingsStore, type LineSettingsStore } from './line-settings';
import { LineService, type LineServiceOptions } from './line-service';
import type { LineWorkOutcome, LineWorkUpdate } from './line-work';

/** A run the fake work holds open until the test ends it. */
export interface HeldRun {
  deviceId: string;
  port: string;
  report: (update: LineWorkUpdate) => void;
  finish: (outcome: LineWorkOutcome) => void;
  signal: AbortSignal;
}

/** Cheap scrypt for tests; production uses N=2^14 (operator-pin.ts). */
export const TEST_PIN_COST = { N: 16, r: 1, p: 1 };

/** Opens the ledger file; tests pass the SQLite adapter (the core itself may not import adapters). */
export type OpenLedgerStore = (path: string) => LedgerStore;

/**
 * A LineService on a real ledger and discovery registry with a manual clock, and a fake LineWork whose
 * runs the test ends by hand.
 */
export class LineTestRig {
  readonly dir = makeTempDir('fieldline-line-');
  readonly clock = new ManualClock(Date.parse('2026-03-02T08:00:00Z'));
  readonly registry = new DeviceRegistry(this.clock);
  readonly settings: LineSettingsStore = new MemoryLineSettingsStore();
  readonly runs: HeldRun[] = [];
  readonly snapshots: LineSnapshot[] = [];
  readonly #openStore: OpenLedgerStore;
  store: LedgerStore;
  ledger: LedgerService;
  line: LineService;

  constructor(openStore: OpenLedgerStore) {
    this.#openStore = openStore;
    this.store = openStore(`${this.dir.path}/ledger.db`);
    this.ledger = new LedgerService(this.store, this.clock);
    this.line = this.#newLine();
  }

  /** A new service on the same ledger and settings, as after a station restart. */
  restart(): LineService {
    this.store.close();
    this.store = this.#openStore(`${this.dir.path}/ledger.db`);
    this.ledger = new LedgerService(this.store, this.clock);
    this.line = this.#newLine();
    this.line.start();
    return this.line;
  }

  plug(port: string, hardwareId: string, serial = `SN-${hardwareId}`): string {
    return this.registry.report({ transport: 'serial', address: port, identifiers: { hardwareId, serial }, model: 'sensor' })!;
  }

  /** Unplugs and lets discovery's grace period pass, as a real unplug does. */
  unplug(port: string): void {
    this.registry.lost('serial', port);
    this.clock.advance(3_000);
    this.registry.expire();
  }

  runOn(port: string): HeldRun {
    const run = this.runs.filter((candidate) => candidate.port === `serial:${port}`).at(-1);
    if (run === undefined) throw new Error(`no run on ${port}`);
    return run;
  }

  async finish(port: string, outcome: LineWorkOutcome = { outcome: 'pass' }): Promise<void> {
    this.runOn(port).finish(outcome);
    await settle();
  }

  tile(port: string) {
    return this.line.snapshot().ports.find((tile) => tile.port === `serial:${port}`);
  }

  ledgerTypes(prefix = 'line.'): string[] {
    return [...this.ledger.iterateEvents()].map((event) => event.type).filter((type) => type.startsWith(prefix));
  }

  close(): void {
    this.store.close();
    this.dir.remove();
  }

  /** The options the rig's service was made with, for a variant of it. */
  lineOptions(): LineServiceOptions {
    return {
      ledger: { append: (request) => this.ledger.append(request), iterateEvents: () => this.ledger.iterateEvents() },
      registry: this.registry,
      settings: this.settings,
      clock: this.clock,
      logger: silentLogger,
      workFor: () => (device, signal, report) =>
        new Promise<LineWorkOutcome>((resolve) => {
          this.runs.push({ ...device, report, finish: resolve, signal });
          signal.addEventListener('abort', () => resolve({ outcome: 'fail', code: 'CANCELLED', reason: 'stopped', step: 'upload' }));
        }),
      describeWork: fakeWork,
      describeRecipe: (recipePath) => Promise.resolve(fakeRecipeWork(recipePath)),
      onChanged: (snapshot) => this.snapshots.push(snapshot),
      pinCost: TEST_PIN_COST,
    };
  }

  #newLine(): LineService {
    return new LineService(this.lineOptions());
  }
}

export function fakeWork(bundlePath: string): LockedWork {
  const version = /(\d+\.\d+\.\d+)/.exec(bundlePath)?.[1] ?? null;
  return { kind: 'bundle', path: bundlePath, label: `sensor-fw ${version ?? '?'}`, version, key: `bundle:${bundlePath}` };
}

/** A recipe as describe-recipe-work.ts would lock it; the path's text stands in for the recipe's content hash. */
export function fakeRecipeWork(recipePath: string): LockedWork {
  const version = /(\d+\.\d+\.\d+)/.exec(recipePath)?.[1] ?? '1.0.0';
  const contentSha256 = Buffer.from(recipePath).toString('hex');
  return {
    kind: 'recipe',
    path: recipePath,
    label: `lab-sensor@${version}`,
    version,
    key: `recipe:${contentSha256}`,
    recipe: { name: 'lab-sensor', version, contentSha256, bundleSha256: 'b'.repeat(64), firmwareVersion: '2.1.0' },
  };
}

/** Lets the promise callbacks of ended runs run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
