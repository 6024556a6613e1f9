import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInPrivateNetwork } from '../support/private-network';

const FIXTURE = fileURLToPath(new URL('./mdns-round-trip.fixture.ts', import.meta.url));

describe('mDNS discovery inside a private network namespace', () => {
  it('finds an _mcumgr._udp device by its TXT serial, skips a malformed one, and loses it on goodbye', async () => {
    const result = await runInPrivateNetwork(process.execPath, ['--import', 'tsx', FIXTURE], 30_000);
    const milestones = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(milestones.map((m) => m.milestone)).toEqual(['up', 'refused', 'down']);
    expect(milestones[0]?.device).toMatchObject({
      id: 'serial:FL-0042',
      model: 'nrf52840-dk',
      firmwareVersion: '1.4.2',
      sightings: [{ transport: 'network', address: expect.stringMatching(/:1337$/) as unknown, protocol: 'smp' }],
    });
    expect(milestones[1]?.warnings).toEqual([expect.stringContaining('serial')]);
  });
});
