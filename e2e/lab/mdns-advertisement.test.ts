import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInPrivateNetwork } from '../support/private-network';

const FIXTURE = fileURLToPath(new URL('./mdns-advertisement.fixture.ts', import.meta.url));

/**
 * The lab's mDNS advertisement (`_mcumgr._udp`, TXT serial/model/fw) as Fieldline's discovery sees it.
 * Advertising sends multicast, so the whole exchange runs in a private network namespace.
 */
describe('lab UDP devices advertised over mDNS (inside a private network namespace)', () => {
  it('are found by TXT serial with model and fw, answer SMP at the advertised port, and follow unplug and swap', async () => {
    const result = await runInPrivateNetwork(process.execPath, ['--import', 'tsx', FIXTURE], 90_000);
    const milestones = result.stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(milestones.map((entry) => entry.milestone)).toEqual([
      'cli-up',
      'cli-echo',
      'cli-down',
      'lab-up',
      'unplugged',
      'replugged',
      'fw-updated',
      'lab-down',
    ]);
    const at = (name: string): Record<string, unknown> =>
      milestones.find((entry) => entry.milestone === name)!;
    expect(at('cli-up')).toMatchObject({
      advertised: true,
      device: {
        id: 'serial:FL-LAB-0002',
        model: 'fieldline-lab-gateway',
        firmwareVersion: '2.3.1',
        sightings: [
          {
            transport: 'network',
            protocol: 'smp',
            address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown,
          },
        ],
      },
    });
    expect(at('cli-echo')).toEqual({ milestone: 'cli-echo', answer: 'found you over mDNS' });
    expect(at('cli-down')).toMatchObject({ exitCode: 0 });
    expect(at('lab-up')).toMatchObject({ firmwareVersion: '1.0.0' });
    expect(at('unplugged')).toMatchObject({ upload: 'DEVICE_NOT_RESPONDING' });
    const { resumedFromBytes, totalBytes } = at('replugged') as {
      resumedFromBytes: number;
      totalBytes: number;
    };
    expect(resumedFromBytes).toBeGreaterThanOrEqual(0.2 * totalBytes);
    expect(at('fw-updated')).toMatchObject({ firmwareVersion: '1.1.0' });
    expect(at('lab-down')).toMatchObject({ faults: [] });
  }, 100_000);
});
