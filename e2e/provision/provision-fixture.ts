import { generateKeyPairSync } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { OfflineCaIssuer } from '../../main/core/identity/offline-ca-issuer';
import { keyObjectCaSigningKey } from '../../main/core/identity/sealed-ca-signing-key';
import { makeRoot, makeStationCa } from '../../main/core/identity/test-support/identity-fixtures';
import { systemClock } from '../../main/core/ports/clock';
import type { OpenIssuer } from '../../main/host/cli/recipe-session';
import { runCli } from '../../main/host/cli/run-cli';
import { EXAMPLE_RECIPE_FOLDER, writeExampleBundle } from './example-recipe-bundle';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  lines: Record<string, unknown>[];
}

/** Runs a CLI entry point in-process with captured streams (as run-cli.test.ts does). */
export async function captureCli(
  run: (streams: { stdout: PassThrough; stderr: PassThrough }) => Promise<number>,
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await run({ stdout, stderr });
  const lines = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stdout: out, stderr: err, lines };
}

export function cli(args: string[]): Promise<CliRun> {
  return captureCli((streams) => runCli(args, streams, new AbortController().signal));
}

/** A copy of resources/recipes/lab-sensor with a freshly built bundle, so the tests never depend on the committed one's expiry. */
export async function copyExampleRecipe(folder: string): Promise<string> {
  const target = join(folder, 'recipe');
  await cp(EXAMPLE_RECIPE_FOLDER, target, { recursive: true });
  await writeExampleBundle(target);
  return join(target, 'recipe.yaml');
}

/** The station's offline CA (a fresh root and subordinate, key in memory), as the CLI's issuer. */
export function offlineCaForTests(): OpenIssuer {
  return async ({ ledger, offlineValidityDays }) => {
    const root = await makeRoot(Date.now());
    const key = keyObjectCaSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'test station key');
    const ca = await makeStationCa(root, key, {
      nowMs: Date.now(),
      permitted: ['O=Fieldline, OU=lab'],
      subject: 'O=Fieldline, OU=lab, CN=Station lab offline CA',
    });
    const issuer = await OfflineCaIssuer.open({
      caChain: [ca, root.certificate],
      signingKey: key,
      ledger,
      clock: systemClock,
      validityDays: Math.min(offlineValidityDays, 30),
    });
    return { issuer, close: () => Promise.resolve() };
  };
}

/** Every file of the data folder that could hold a secret at rest: the ledger, its WAL, the logs. */
export async function dataAtRest(dataDir: string): Promise<string> {
  const files = ['ledger.db', 'ledger.db-wal', join('logs', 'cli.log')];
  const parts = await Promise.all(files.map((file) => readFile(join(dataDir, file)).catch(() => Buffer.alloc(0))));
  return Buffer.concat(parts).toString('latin1');
}
