import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import { systemClock } from '../ports/clock';
import { formatPattern, ValueAllocator } from './value-allocator';

describe('ValueAllocator', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('formats patterns with and without a width', () => {
    expect(formatPattern('gw-{counter:04}', 7)).toBe('gw-0007');
    expect(formatPattern('SN{counter}', 12345)).toBe('SN12345');
    expect(formatPattern('a{counter:2}b', 123)).toBe('a123b');
  });

  it('never hands a value out twice, across restarts; a device keeps its value; peek writes nothing', () => {
    const dir = makeTempDir('fieldline-allocator-');
    dirs.push(dir);
    const path = join(dir.path, 'ledger.db');
    const definition = { pattern: 'gw-{counter:03}', start: 5 };
    let store = SqliteLedgerStore.open(path);
    let allocator = new ValueAllocator(new LedgerService(store, systemClock));
    expect(allocator.peek('hwid:01', definition)).toMatchObject({ value: 'gw-005', isRecorded: false });
    expect(allocator.peek('hwid:01', definition)).toMatchObject({ value: 'gw-005', isRecorded: false });
    expect(store.eventCount()).toBe(0);
    expect(allocator.allocate('hwid:01', 'hostname', definition)).toMatchObject({ value: 'gw-005', counter: 5, isRecorded: true });
    expect(allocator.allocate('hwid:02', 'hostname', definition).value).toBe('gw-006');
    store.close();

    store = SqliteLedgerStore.open(path);
    allocator = new ValueAllocator(new LedgerService(store, systemClock));
    expect(allocator.peek('hwid:01', definition)).toMatchObject({ value: 'gw-005', isRecorded: true });
    expect(allocator.allocate('hwid:03', 'hostname', definition).value).toBe('gw-007');
    expect(allocator.allocate('hwid:02', 'hostname', definition).value).toBe('gw-006');
    // Another pattern has its own counter.
    expect(allocator.peek('hwid:01', { pattern: 'SN{counter}', start: 1 }).value).toBe('SN1');
    expect(store.eventCount()).toBe(3);
    store.close();
  });
});
