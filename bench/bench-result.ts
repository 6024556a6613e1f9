/** One measured figure beside the limit it is held against (quality.md). */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  target: number;
  higherIsBetter: boolean;
}

/** What every benchmark writes to bench/results/<name>.json: a headline figure plus any others. */
export interface BenchResult extends Measurement {
  /** Further figures with their own targets (e.g. p99 latency beside throughput). */
  also: Measurement[];
  /** How it was measured: runs, workload size, machine notes. */
  conditions: Record<string, string | number>;
  measuredAt: string;
}

export function meetsTarget(measurement: Measurement): boolean {
  return measurement.higherIsBetter ? measurement.value >= measurement.target : measurement.value < measurement.target;
}

export function checkTargets(result: BenchResult): boolean {
  return [result, ...result.also].every(meetsTarget);
}

function describe(measurement: Measurement): string {
  const value = measurement.value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const target = measurement.target.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const comparison = measurement.higherIsBetter ? '≥' : '<';
  return `${measurement.name} ${value} ${measurement.unit} (target ${comparison} ${target}) ${meetsTarget(measurement) ? 'ok' : 'MISSED'}`;
}

/** One line: every figure beside its target, then PASS or FAIL. */
export function formatSummary(result: BenchResult): string {
  const parts = [result, ...result.also].map(describe);
  return `${parts.join(' · ')} → ${checkTargets(result) ? 'PASS' : 'FAIL'}`;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[rank] ?? 0;
}
