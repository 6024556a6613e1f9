import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { ALLOCATED_EVENT, ValueAllocator } from '../config/value-allocator';
import { LedgerService } from '../ledger/ledger-service';
import type { LedgerStore } from '../ports/ledger-store';
import { fakeRecipeWork } from './line-test-rig';
import { prepareRecipeRun, type RecipeWork } from './recipe-run-preparation';

const EXAMPLE = fileURLToPath(new URL('../../../resources/recipes/lab-sensor/', import.meta.url));
const HOSTNAME = { pattern: 'lab-sensor-{counter:04}', start: 1 };

let dir: ReturnType<typeof makeTempDir>;
let store: LedgerStore;
let ledger: LedgerService;
let recipePath: string;
let work: RecipeWork;

beforeEach(() => {
  dir = makeTempDir('fieldline-line-reserve-');
  cpSync(EXAMPLE, join(dir.path, 'lab-sensor'), { recursive: true });
  recipePath = join(dir.path, 'lab-sensor', 'recipe.yaml');
  store = SqliteLedgerStore.open(join(dir.path, 'ledger.db'));
  ledger = new LedgerService(store, new ManualClock(Date.parse('2026-03-02T08:00:00Z')));
  work = lockedAsItIs();
});
afterEach(() => {
  store.close();
  dir.remove();
});

function lockedAsItIs(): RecipeWork {
  const contentSha256 = createHash('sha256').update(readFileSync(recipePath)).digest('hex');
  const fake = fakeRecipeWork(recipePath);
  if (fake.kind !== 'recipe') throw new Error('recipe work expected');
  return { ...fake, recipe: { ...fake.recipe, contentSha256 } };
}

const allocationLedger = () => ({ append: (request: Parameters<LedgerService['append']>[0]) => ledger.append(request), listEvents: (query: Parameters<LedgerService['listEvents']>[0]) => ledger.listEvents(query) });
const allocations = () => ledger.listEvents({ type: ALLOCATED_EVENT, limit: 100 }).map((event) => [event.deviceId, (event.payload as { value: string }).value]);

describe('before each device of a locked recipe', () => {
  it('reserves each device its own host name, so plans made at the same time do not collide', () => {
    for (const deviceId of ['hwid:A1', 'hwid:A2', 'hwid:A3']) prepareRecipeRun(work, deviceId, allocationLedger(), 'station');
    prepareRecipeRun(work, 'hwid:A2', allocationLedger(), 'station');
    expect(allocations().sort()).toEqual([
      ['hwid:A1', 'lab-sensor-0001'],
      ['hwid:A2', 'lab-sensor-0002'],
      ['hwid:A3', 'lab-sensor-0003'],
    ]);
    // What a plan then peeks for each device is its own recorded value.
    expect(new ValueAllocator(allocationLedger()).peek('hwid:A3', HOSTNAME)).toMatchObject({ value: 'lab-sensor-0003', isRecorded: true });
  });

  it('leaves a variable the device table has a column for to the table', () => {
    writeFileSync(join(dir.path, 'lab-sensor', 'devices.csv'), 'serial,hostname\nFL-1,sensor-by-table\n');
    work = lockedAsItIs();
    prepareRecipeRun(work, 'hwid:A1', allocationLedger(), 'station');
    expect(allocations()).toEqual([]);
  });

  it('refuses a recipe file changed since it was locked, reserving nothing', () => {
    writeFileSync(recipePath, readFileSync(recipePath, 'utf8').replace('version: 1.0.0', 'version: 1.0.1'));
    let caught: unknown;
    try {
      prepareRecipeRun(work, 'hwid:A1', allocationLedger(), 'station');
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('RECIPE_INVALID');
    expect((caught as AppError).message).toMatch(/changed since a supervisor locked it/);
    expect(allocations()).toEqual([]);
  });
});
