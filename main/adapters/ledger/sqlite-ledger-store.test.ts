import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerService } from '../../core/ledger/ledger-service';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { LEDGER_SCHEMA_VERSION } from './ledger-migrations';
import { openLedgerDatabase } from './open-ledger-database';
import { SqliteLedgerStore } from './sqlite-ledger-store';

let dir: ReturnType<typeof makeTempDir>;
let path: string;
beforeEach(() => {
  dir = makeTempDir();
  path = join(dir.path, 'ledger.db');
});
afterEach(() => dir.remove());

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('SqliteLedgerStore', () => {
  it('opens in WAL mode with synchronous=FULL and the current schema', () => {
    const db = openLedgerDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma('user_version', { simple: true })).toBe(LEDGER_SCHEMA_VERSION);
    db.close();
  });

  it('writes the event, the device projection and the outbox row together', () => {
    const store = SqliteLedgerStore.open(path);
    const ledger = new LedgerService(store, new ManualClock(1_000));
    ledger.append({ actor: 'alice', deviceId: 'dev-1', type: 'device.discovered', payload: { model: 'm1' } });
    ledger.append({ actor: 'alice', deviceId: null, type: 'note.added', payload: {} });
    expect(store.eventCount()).toBe(2);
    expect(store.pendingOutboxCount()).toBe(2);
    expect(store.listDevices()).toMatchObject([{ id: 'dev-1', state: 'new', model: 'm1' }]);
    store.close();
  });

  it('finds events by text anywhere in them, case-insensitively, with LIKE wildcards taken literally', () => {
    const store = SqliteLedgerStore.open(path);
    const ledger = new LedgerService(store, new ManualClock(1_000));
    ledger.append({
      actor: 'alice',
      deviceId: 'dev-1',
      type: 'device.discovered',
      payload: { serial: 'SN-00A7' },
    });
    ledger.append({
      actor: 'bob',
      deviceId: 'dev-2',
      type: 'firmware.flashed',
      payload: { version: '2.1.0' },
    });
    ledger.append({ actor: 'carol', deviceId: null, type: 'note.added', payload: { text: '100%_done' } });
    const found = (text: string): string[] =>
      store.listEvents({ limit: 10, text }).map((event) => event.deviceId ?? event.actor);
    expect(found('sn-00a7')).toEqual(['dev-1']);
    expect(found('FLASHED')).toEqual(['dev-2']);
    expect(found('carol')).toEqual(['carol']);
    expect(found('%_')).toEqual(['carol']);
    expect(found('_')).toEqual(['carol']);
    expect(found('%')).toEqual(['carol']);
    expect(found('nothing like it')).toEqual([]);
    expect(store.listEvents({ limit: 10, text: 'dev-', type: 'device.discovered' })).toHaveLength(1);
    // The serial the projection knows for dev-1 also finds its events that carry only the id.
    ledger.append({ actor: 'alice', deviceId: 'dev-1', type: 'config.applied', payload: { recipe: 'r' } });
    expect(store.listEvents({ limit: 10, text: 'sn-00a7' }).map((event) => event.type)).toEqual([
      'config.applied',
      'device.discovered',
    ]);
    store.close();
  });

  it('keeps one station chain when two connections append to the same file', () => {
    const first = SqliteLedgerStore.open(path);
    const second = SqliteLedgerStore.open(path);
    expect(second.stationId).toBe(first.stationId);
    const clock = new ManualClock(1_000);
    const ledgers = [new LedgerService(first, clock), new LedgerService(second, clock)];
    for (let index = 0; index < 20; index += 1) {
      ledgers[index % 2]?.append({ actor: 'a', deviceId: null, type: 'note.added', payload: { index } });
    }
    expect(ledgers[0]?.verify()).toMatchObject({ isIntact: true, eventsChecked: 20 });
    expect([...first.iterateEvents()].map((event) => event.stationSeq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    first.close();
    second.close();
  });

  it('refuses to update or delete events (append-only in the database itself)', () => {
    SqliteLedgerStore.open(path).close();
    const store = SqliteLedgerStore.open(path);
    new LedgerService(store, new ManualClock(1)).append({
      actor: 'a',
      deviceId: null,
      type: 'note.added',
      payload: {},
    });
    store.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE events SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    db.close();
  });

  describe('refuses a file it must not touch, and leaves it byte for byte unchanged', () => {
    it('a file that is not SQLite', () => {
      writeFileSync(path, Buffer.alloc(8192, 0x5a));
      const before = sha256(path);
      expect(() => SqliteLedgerStore.open(path)).toThrow(expect.objectContaining({ code: 'LEDGER_CORRUPT' }));
      expect(sha256(path)).toBe(before);
    });

    it('another program’s SQLite database', () => {
      const foreign = new Database(path);
      foreign.exec('CREATE TABLE recipes (name TEXT)');
      foreign.close();
      const before = sha256(path);
      expect(() => SqliteLedgerStore.open(path)).toThrow(expect.objectContaining({ code: 'LEDGER_FOREIGN' }));
      expect(sha256(path)).toBe(before);
    });

    it('a ledger written by a newer Fieldline', () => {
      SqliteLedgerStore.open(path).close();
      const db = new Database(path);
      db.pragma(`user_version = ${LEDGER_SCHEMA_VERSION + 1}`);
      db.pragma('journal_mode = DELETE');
      db.close();
      const before = sha256(path);
      expect(() => SqliteLedgerStore.open(path)).toThrow(
        expect.objectContaining({ code: 'LEDGER_NEWER_SCHEMA' }),
      );
      expect(sha256(path)).toBe(before);
    });

    it('a ledger whose pages are damaged', () => {
      const store = SqliteLedgerStore.open(path);
      const ledger = new LedgerService(store, new ManualClock(1));
      for (let index = 0; index < 300; index += 1)
        ledger.append({
          actor: 'a',
          deviceId: `d${index}`,
          type: 'note.added',
          payload: { pad: 'x'.repeat(200) },
        });
      store.close();
      const db = new Database(path);
      db.pragma('journal_mode = DELETE'); // fold the WAL into the main file so the damage below is seen
      db.close();
      const bytes = readFileSync(path);
      bytes.fill(0xff, 4096 * 3, 4096 * 3 + 2048); // smash the middle of the fourth page
      writeFileSync(path, bytes);
      const before = sha256(path);
      expect(() => SqliteLedgerStore.open(path)).toThrow(expect.objectContaining({ code: 'LEDGER_CORRUPT' }));
      expect(sha256(path)).toBe(before);
    });
  });
});
