import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { makeTempDir } from '../../test-support/temp-dir';
import { parseTrustStoreYaml } from '../firmware/trust/trust-store-document';
import { describeRecipeWork, type RecipeWorkContext } from './describe-recipe-work';

const EXAMPLE = fileURLToPath(new URL('../../../resources/recipes/lab-sensor/', import.meta.url));
const DEV_TRUST_STORE = fileURLToPath(new URL('../../../resources/dev-keys/dev-trust-store.yaml', import.meta.url));
const context: RecipeWorkContext = {
  trustStore: () => parseTrustStoreYaml(readFileSync(DEV_TRUST_STORE, 'utf8')),
  // The committed example bundle is signed with the development keys and valid until 2035.
  now: () => new Date('2026-03-02T08:00:00Z'),
};

let dir: ReturnType<typeof makeTempDir>;
let recipePath: string;

beforeEach(() => {
  dir = makeTempDir('fieldline-line-recipe-');
  cpSync(EXAMPLE, join(dir.path, 'lab-sensor'), { recursive: true });
  recipePath = join(dir.path, 'lab-sensor', 'recipe.yaml');
});
afterEach(() => dir.remove());

/** The line's device table: every device's Wi-Fi password in a column, so nobody types it. */
function giveWifiPasswordsInTable(): void {
  writeFileSync(join(dir.path, 'lab-sensor', 'devices.csv'), 'serial,reportSeconds,wifiPassword\nFL-LAB-0001,30,correct-horse-1\n');
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('locking a recipe on the line', () => {
  it('refuses the example as shipped: its Wi-Fi password can come only from a technician', async () => {
    const error = await refusal(describeRecipeWork(recipePath, context));
    expect(error.code).toBe('LINE_RECIPE_NEEDS_INPUT');
    expect(error.message).toContain('lab-sensor@1.0.0 needs wifiPassword from a technician');
    expect(error.details).toMatchObject({ variables: ['wifiPassword'] });
  });

  it('describes a recipe whose values all come from its table, allocator, site file and defaults', async () => {
    giveWifiPasswordsInTable();
    const work = await describeRecipeWork(recipePath, context);
    const contentSha256 = createHash('sha256').update(readFileSync(recipePath)).digest('hex');
    const bundleSha256 = createHash('sha256').update(readFileSync(join(dir.path, 'lab-sensor', 'firmware', 'lab-sensor-2.1.0.fwb'))).digest('hex');
    expect(work).toMatchObject({
      kind: 'recipe',
      path: recipePath,
      version: '1.0.0',
      label: `lab-sensor@1.0.0 (sha256 ${contentSha256.slice(0, 12)}…, firmware 2.1.0)`,
      recipe: { name: 'lab-sensor', version: '1.0.0', contentSha256, bundleSha256, firmwareVersion: '2.1.0' },
    });
    expect(work.key).toMatch(new RegExp(`^recipe:${contentSha256}:bundle:${bundleSha256}:site:[0-9a-f]{64}$`));
  });

  it('gives a new key (a new canary) for a changed recipe or site file, not for new rows in the device table', async () => {
    giveWifiPasswordsInTable();
    const first = (await describeRecipeWork(recipePath, context)).key;
    appendFileSync(join(dir.path, 'lab-sensor', 'devices.csv'), 'FL-LAB-0002,45,correct-horse-2\n');
    expect((await describeRecipeWork(recipePath, context)).key).toBe(first);
    writeFileSync(join(dir.path, 'lab-sensor', 'site.yaml'), 'site: lab-hamburg\nwifiSsid: fieldline-lab\n');
    const afterSite = (await describeRecipeWork(recipePath, context)).key;
    expect(afterSite).not.toBe(first);
    writeFileSync(recipePath, readFileSync(recipePath, 'utf8').replace('version: 1.0.0', 'version: 1.0.1'));
    const bumped = await describeRecipeWork(recipePath, context);
    expect(bumped.key).not.toBe(afterSite);
    expect(bumped.label).toMatch(/^lab-sensor@1\.0\.1 /);
  });

  it('refuses a relative path, and a recipe whose bundle does not verify, before anything is locked', async () => {
    giveWifiPasswordsInTable();
    expect((await refusal(describeRecipeWork('lab-sensor/recipe.yaml', context))).code).toBe('INVALID_INPUT');
    const bundle = join(dir.path, 'lab-sensor', 'firmware', 'lab-sensor-2.1.0.fwb');
    const bytes = readFileSync(bundle);
    const flipAt = bytes.length - 600;
    bytes[flipAt] = (bytes[flipAt] ?? 0) ^ 0xff;
    writeFileSync(bundle, bytes);
    const error = await refusal(describeRecipeWork(recipePath, context));
    expect(error.code).toBe('RECIPE_INVALID');
    expect(error.message).toContain('does not verify');
  });
});
