#!/usr/bin/env node
// `npm run bench -- [name]`: runs one benchmark (or all), writes bench/results/<name>.json and prints
// one summary line each. Exit code 1 when a benchmark misses its target.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { formatSummary, checkTargets } = await import('./bench-result.ts');

const benchDir = new URL('.', import.meta.url);
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

mkdirSync(new URL('results/', benchDir), { recursive: true });
let missed = 0;
for (const name of requested.length > 0 ? requested : available) {
  const { runBenchmark } = await import(`./${name}.bench.ts`);
  const result = await runBenchmark();
  writeFileSync(new URL(`results/${name}.json`, benchDir), `${JSON.stringify(result, null, 2)}\n`);
  console.log(formatSummary(result));
  if (!checkTargets(result)) missed += 1;
}
process.exit(missed > 0 ? 1 : 0);
