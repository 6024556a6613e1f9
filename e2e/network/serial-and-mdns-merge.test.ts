import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LiveDevice } from '../../main/core/discovery/device-registry';
import { runInPrivateNetwork } from '../support/private-network';

const FIXTURE = fileURLToPath(new URL('./serial-and-mdns-merge.fixture.ts', import.meta.url));

describe('one lab unit over mDNS + UDP and on a serial pty, in the station runtime', () => {
  it('is one device with both sightings, asked over UDP too, with one discovery record', async () => {
    const result = await runInPrivateNetwork(process.execPath, ['--import', 'tsx', FIXTURE], 60_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
      devices: LiveDevice[];
      history: string[][];
      udpIdentityReads: number;
    };
    expect(output.devices).toMatchObject([
      {
        serial: 'FL-MERGE-1',
        hardwareId: 'a1b2c3d4',
        model: 'fieldline-lab-nrf52840',
        firmwareVersion: '1.0.0',
      },
    ]);
    // Whichever transport saw it first named the entry; both identities point at it.
    expect(output.devices[0]?.aliases.sort()).toEqual(['hwid:A1B2C3D4', 'serial:FL-MERGE-1']);
    expect(
      output.devices[0]?.sightings.map((sighting) => `${sighting.transport}:${sighting.protocol}`).sort(),
    ).toEqual(['network:smp', 'serial:smp']);
    expect(output.udpIdentityReads).toBeGreaterThan(0);
    expect(output.history).toEqual([['device.discovered', 'device.identified']]);
  });
});
