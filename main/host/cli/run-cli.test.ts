import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerEventSchema } from '../../../shared/contract';
import { makeTempDir } from '../../test-support/temp-dir';
import { EXIT } from './exit-codes';
import { runCli } from './run-cli';

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await runCli(['--data-dir', dir.path, ...args], { stdout, stderr }, new AbortController().signal);
  return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}

const jsonLines = (text: string): unknown[] => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);

describe('fieldline CLI', () => {
  it('appends events, lists the device and exports JSON lines that parse as ledger events', async () => {
    expect((await cli('ledger', 'append', '--actor', 'alice', '--type', 'device.discovered', '--device', 'dev-1', '--payload', '{"model":"m1"}')).code).toBe(EXIT.ok);
    expect((await cli('--json', 'ledger', 'append', '--actor', 'bob', '--type', 'note.added')).code).toBe(EXIT.ok);
    const devices = await cli('--json', 'devices');
    expect(jsonLines(devices.stdout)).toMatchObject([{ id: 'dev-1', state: 'new', model: 'm1', lastAction: 'device.discovered' }]);
    const exported = await cli('ledger', 'export', '--json');
    const events = jsonLines(exported.stdout).map((line) => ledgerEventSchema.parse(line));
    expect(events.map((event) => [event.stationSeq, event.actor, event.type])).toEqual([
      [1, 'alice', 'device.discovered'],
      [2, 'bob', 'note.added'],
    ]);
  });

  it('verifies an intact ledger and names the first broken link of a tampered one (exit 3)', async () => {
    for (const actor of ['a', 'b', 'c']) await cli('ledger', 'append', '--actor', actor, '--type', 'note.added');
    expect(await cli('ledger', 'verify')).toMatchObject({ code: EXIT.ok, stdout: expect.stringContaining('3 events') as unknown });

    const db = new Database(join(dir.path, 'ledger.db'));
    db.exec('DROP TRIGGER events_no_update');
    db.prepare("UPDATE events SET actor = 'mallory' WHERE station_seq = 2").run();
    db.close();

    const text = await cli('ledger', 'verify');
    expect(text.code).toBe(EXIT.chainBroken);
    expect(text.stdout).toMatch(/BROKEN at position 2 .*altered/);
    const json = await cli('--json', 'ledger', 'verify');
    expect(jsonLines(json.stdout)).toMatchObject([{ isIntact: false, eventsChecked: 1, firstBroken: { position: 2, stationSeq: 2 } }]);
  });

  it('reports bad input with its code, title and action, and usage errors with exit 2', async () => {
    const bad = await cli('--json', 'ledger', 'append', '--actor', 'a', '--type', 'Not A Type');
    expect(bad.code).toBe(EXIT.failed);
    expect(jsonLines(bad.stderr)).toMatchObject([{ error: { code: 'INVALID_INPUT', title: 'Invalid input', action: expect.any(String) as unknown } }]);
    const badPayload = await cli('ledger', 'append', '--actor', 'a', '--type', 'note.added', '--payload', '{nope');
    expect(badPayload).toMatchObject({ code: EXIT.failed, stderr: expect.stringContaining('--payload is not valid JSON') as unknown });
    expect((await cli('no-such-command')).code).toBe(EXIT.usage);
    expect((await cli('ledger', 'append', '--type', 'note.added')).code).toBe(EXIT.usage);
  });

  it('refuses a data folder holding a foreign database and leaves it alone', async () => {
    const db = new Database(join(dir.path, 'ledger.db'));
    db.exec('CREATE TABLE other (x)');
    db.close();
    const result = await cli('--json', 'devices');
    expect(result.code).toBe(EXIT.failed);
    expect(jsonLines(result.stderr)).toMatchObject([{ error: { code: 'LEDGER_FOREIGN' } }]);
  });

  it('runs as the package bin (`npx fieldline`) without a build step', async () => {
    const run = promisify(execFile);
    const bin = new URL('../../../bin/fieldline.mjs', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, [bin, '--data-dir', dir.path, '--json', 'ledger', 'append', '--actor', 'ci', '--type', 'note.added']);
    expect(ledgerEventSchema.parse(JSON.parse(stdout))).toMatchObject({ actor: 'ci', stationSeq: 1 });
  });
});
