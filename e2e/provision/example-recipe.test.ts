import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrustStoreYaml } from '../../main/core/firmware';
import { prepareRecipe } from '../../main/core/provisioning/prepare-recipe';
import { DEV_TRUST_STORE_PATH, readLimitedFile } from '../../main/host/cli/firmware-files';
import { EXAMPLE_FIRMWARE_VERSION, EXAMPLE_RECIPE_FOLDER } from './example-recipe-bundle';

/** The recipe shipped in resources/ works as shipped: it parses, and its committed bundle verifies. */
describe('resources/recipes/lab-sensor', () => {
  it('loads with its device table and site values, and its bundle verifies with the development trust store', async () => {
    const trustStore = parseTrustStoreYaml(Buffer.from(readLimitedFile(DEV_TRUST_STORE_PATH, 1024 * 1024, 'TRUST_STORE_INVALID')).toString('utf8'));
    const prepared = await prepareRecipe(
      { deviceId: 'hwid:00', recipePath: join(EXAMPLE_RECIPE_FOLDER, 'recipe.yaml'), values: {} },
      { trustStore, now: new Date() },
    );
    expect(prepared.recipe.document.name).toBe('lab-sensor');
    expect(prepared.bundle).toMatchObject({ product: 'fieldline-lab-nrf52840', version: EXAMPLE_FIRMWARE_VERSION });
    expect([...prepared.deviceTable!.rows.keys()]).toEqual(['FL-LAB-0001', 'FL-RIG-0001']);
    expect(prepared.site!.values).toEqual({ site: 'lab-berlin', wifiSsid: 'fieldline-lab' });
  });
});
