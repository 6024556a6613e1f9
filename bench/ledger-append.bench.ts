import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { LedgerService } from '../main/core/ledger/ledger-service';
import { systemClock } from '../main/core/ports/clock';
import { median, percentile, type BenchResult } from './bench-result';

const EVENTS_PER_RUN = 3_000;
const RUNS = 3;

/**
 * Durable appends: each event is its own transaction with synchronous=FULL (as in the product), with a
 * device projection and an outbox row, through the real store on the real file system.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const rates: number[] = [];
  const p99s: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { rate, p99Ms } = measureOnce();
    rates.push(rate);
    p99s.push(p99Ms);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    name: 'ledger-append',
    value: Math.round(median(rates)),
    unit: 'events/s',
    target: 1_000,
    higherIsBetter: true,
    also: [{ name: 'p99', value: Number(median(p99s).toFixed(3)), unit: 'ms', target: 5, higherIsBetter: false }],
    conditions: { runs: RUNS, eventsPerRun: EVENTS_PER_RUN, synchronous: 'FULL', journal: 'WAL', statistic: 'median of runs', filesystem: tmpdir() },
    measuredAt: new Date().toISOString(),
  };
}

function measureOnce(): { rate: number; p99Ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'fieldline-bench-'));
  const store = SqliteLedgerStore.open(join(dir, 'ledger.db'));
  try {
    const ledger = new LedgerService(store, systemClock);
    const latenciesMs: number[] = [];
    const started = performance.now();
    for (let index = 0; index < EVENTS_PER_RUN; index += 1) {
      const before = performance.now();
      ledger.append({ actor: 'bench', deviceId: `device-${index % 50}`, type: 'firmware.flashed', payload: { index, firmwareVersion: '1.5.0' } });
      latenciesMs.push(performance.now() - before);
    }
    const elapsedS = (performance.now() - started) / 1000;
    return { rate: EVENTS_PER_RUN / elapsedS, p99Ms: percentile(latenciesMs, 99) };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
