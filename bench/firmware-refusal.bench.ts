import { AppError } from '../shared/errors';
import { buildHostileCorpus } from '../main/core/firmware/test-support/hostile-corpus/hostile-corpus';
import { createTestKeyring } from '../main/core/firmware/test-support/test-keyring';
import { median, percentile, type BenchResult } from './bench-result';

const RUNS_PER_CASE = 3;
/** quality.md: every hostile bundle is refused in < 1 s for inputs ≤ 10 MB. */
const TARGET_MS = 1000;
const TEN_MB = 10 * 1024 * 1024;

/**
 * Times the refusal of every case of the hostile corpus (main/core/firmware/test-support/hostile-corpus):
 * building the input is not timed, the check (verifyBundleForDevice, or image inspect/verify for bare
 * files) is, three times per case; a case's time is the median of its runs. A case refused with another
 * code than expected, or not refused, counts as an unexpected outcome (target: none).
 */
export async function runBenchmark(): Promise<BenchResult> {
  const corpus = buildHostileCorpus(createTestKeyring());
  const timesMs: number[] = [];
  let slowest = { name: '', ms: 0, inputBytes: 0 };
  let unexpected = 0;
  let largestInput = 0;
  let oversized = 0;
  for (const entry of corpus) {
    const { inputBytes, check } = entry.prepare();
    largestInput = Math.max(largestInput, inputBytes);
    const runs: number[] = [];
    for (let run = 0; run < RUNS_PER_CASE; run += 1) {
      const started = performance.now();
      const code = refusalCode(check);
      runs.push(performance.now() - started);
      if (code !== entry.expectedCode) unexpected += 1;
    }
    const ms = median(runs);
    timesMs.push(ms);
    if (inputBytes > TEN_MB) oversized += 1;
    if (ms > slowest.ms) slowest = { name: entry.name, ms, inputBytes };
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    name: 'firmware-refusal slowest',
    value: round(slowest.ms),
    unit: 'ms',
    target: TARGET_MS,
    higherIsBetter: false,
    also: [
      { name: 'median', value: round(median(timesMs)), unit: 'ms', target: TARGET_MS, higherIsBetter: false },
      { name: 'p99', value: round(percentile(timesMs, 99)), unit: 'ms', target: TARGET_MS, higherIsBetter: false },
      { name: 'unexpected outcomes', value: unexpected, unit: 'cases', target: 1, higherIsBetter: false },
    ],
    conditions: {
      cases: corpus.length,
      casesOver10MiB: oversized,
      runsPerCase: RUNS_PER_CASE,
      statistic: 'per case: median of runs; headline: slowest case of all (quality.md holds inputs ≤ 10 MB to it)',
      slowestCase: slowest.name,
      slowestCaseInputBytes: slowest.inputBytes,
      largestInputBytes: largestInput,
    },
    measuredAt: new Date().toISOString(),
  };
}

function refusalCode(check: () => unknown): string {
  try {
    check();
    return 'ACCEPTED';
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : 'CRASH';
  }
}

function round(ms: number): number {
  return Number(ms.toFixed(2));
}
