import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceSchema } from '../../shared/contract';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { runInPrivateNetwork } from '../support/private-network';

const FIXTURE = fileURLToPath(new URL('./cli-devices-wait.fixture.ts', import.meta.url));
let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

describe('fieldline devices --json --wait', () => {
  it('prints a device advertised over mDNS within the wait, and records its discovery', async () => {
    const result = await runInPrivateNetwork(process.execPath, ['--import', 'tsx', FIXTURE, dir.path], 30_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const devices = result.stdout.trim().split('\n').map((line) => deviceSchema.parse(JSON.parse(line)));
    expect(devices).toMatchObject([
      { id: 'serial:FL-CLI-1', state: 'new', model: 'lab-smp', firmwareVersion: '2.0.0', lastAction: 'device.discovered', sightings: [{ transport: 'network' }] },
    ]);
  });
});
