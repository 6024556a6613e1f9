import { describe, expect, it } from 'vitest';
import type { Bridge } from '../../../shared/contract';
import { makeLedgerRow } from '../../test/fixtures';
import type { LedgerRow } from './ledger-page';
import { collectRecords, recordsToCsv, recordsToJson } from './records-export';

function bridgeOver(rows: LedgerRow[], calls: unknown[]): Bridge {
  return {
    invoke: ((_name: string, input: { limit: number; before?: number }) => {
      calls.push(input);
      const older = rows.filter((row) => input.before === undefined || row.position < input.before);
      const page = older.slice(0, input.limit);
      const last = page.at(-1);
      return Promise.resolve({
        events: page,
        nextBefore: page.length === input.limit && last ? last.position : null,
      });
    }) as Bridge['invoke'],
    on: () => () => undefined,
  };
}

describe('records export', () => {
  it('collects every matching record page by page, passing the filters on', async () => {
    const rows = Array.from({ length: 2500 }, (_, index) => makeLedgerRow(2500 - index));
    const calls: unknown[] = [];
    const progress: number[] = [];
    const events = await collectRecords(
      bridgeOver(rows, calls),
      { type: ' firmware.flashed ', deviceId: '', text: 'SN-1' },
      { signal: new AbortController().signal, onProgress: (count) => progress.push(count) },
    );
    expect(events).toHaveLength(2500);
    expect(new Set(events.map((event) => event.id)).size).toBe(2500);
    expect(progress).toEqual([1000, 2000, 2500]);
    expect(calls[0]).toEqual({ type: 'firmware.flashed', text: 'SN-1', limit: 1000 });
    expect(calls[1]).toMatchObject({ before: 1501 });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      collectRecords(
        bridgeOver([makeLedgerRow(1)], []),
        { type: '', deviceId: '' },
        {
          signal: controller.signal,
          onProgress: () => undefined,
        },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('writes RFC 4180 CSV with the payload as JSON and spreadsheet formulas defused', () => {
    const row = makeLedgerRow(1, {
      actor: '=HYPERLINK("http://evil")',
      deviceId: null,
      payload: { note: 'a, "quoted"\nline' },
    });
    const csv = recordsToCsv([row]);
    const [header, line] = csv.split('\r\n');
    expect(header).toBe('id,hlc,stationId,stationSeq,actor,deviceId,type,payload,prevHash,hash');
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(line).toContain(',,'); // the missing device id is an empty cell
    expect(csv).toContain('"{""note"":""a, \\""quoted\\""\\nline""}"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('writes JSON exactly as the ledger holds the events, without local positions', () => {
    const row = makeLedgerRow(7);
    const parsed = JSON.parse(recordsToJson([row])) as Record<string, unknown>[];
    const { position: _position, ...expected } = row;
    expect(parsed).toEqual([expected]);
  });
});
