import { afterEach, describe, expect, it } from 'vitest';
import { countUploadRequests, failEchoWhenRunning, flashRig, runningHash } from './flash-harness';
import { FlashRig, type FlashRigOptions } from './flash-lab-rig';
import { flashTarget } from './flash-test-images';

/** The SMP flasher over UDP loopback (protocols.md §1, "UDP transport") with the real dgram adapter. */
describe('SMP flasher over UDP', () => {
  let rig: FlashRig | undefined;

  afterEach(async () => {
    expect(rig?.device.faults ?? []).toEqual([]);
    await rig?.stop();
    rig = undefined;
  });

  async function start(options: Partial<FlashRigOptions> = {}): Promise<FlashRig> {
    rig = await FlashRig.start({ transport: 'udp', addedRoundTripMs: 2, ...options });
    return rig;
  }

  it('updates and confirms, pipelining buf_count − 1 requests', async () => {
    const device = await start({ config: { bufCount: 4 } });
    const target = flashTarget('6.0.0', 50_000);
    const run = await flashRig(device, target);
    expect(run.outcome).toMatchObject({ kind: 'confirmed', evidence: { verifiedHash: target.imageHash } });
    expect(run.outcome.evidence.transports).toEqual([
      `udp:127.0.0.1:${device.endpoint.kind === 'udp' ? device.endpoint.port : 0}`,
    ]);
    expect(device.device.drops.bufferFull).toBe(0);
    expect(await runningHash(device)).toBe(target.imageHash);
  });

  it('resumes from the device offset when the device comes back on its port after an unplug at 50%', async () => {
    const device = await start({ faults: { unplug: { atPercent: 50, downMs: 600 } } });
    const target = flashTarget('6.1.0', 60_000);
    const run = await flashRig(device, target);
    expect(run.outcome.kind).toBe('confirmed');
    // The link stays up on the app's side, so the uploader's own resend from the device's offset carries
    // it through (no sha resume needed): the device never starts over, nothing is sent twice over.
    expect(device.device.faultSchedule.counts.unplugs).toBe(1);
    const chunks = Math.ceil(target.bytes.length / 1_900);
    expect(countUploadRequests(device)).toBeLessThan(chunks * 1.5);
    expect(await runningHash(device)).toBe(target.imageHash);
  });

  it('starts over when a power cut at 50% makes the device forget the upload, and survives lost datagrams', async () => {
    const device = await start({
      faults: { seed: 4, unplug: { atPercent: 50, downMs: 300, cutsPower: true }, drop: { rate: 0.03 } },
    });
    const target = flashTarget('6.2.0', 40_000);
    const run = await flashRig(device, target);
    expect(run.outcome.kind).toBe('confirmed');
    expect(run.outcome.evidence.resumedFromBytes).toBeNull();
    expect(device.device.linkFaults.counts['to-device'].drop).toBeGreaterThan(0);
    expect(await runningHash(device)).toBe(target.imageHash);
  });

  it('records a revert when the new image fails its health check', async () => {
    const device = await start();
    const factoryHash = await runningHash(device);
    const target = flashTarget('6.3.0');
    failEchoWhenRunning(device, target);
    const run = await flashRig(device, target);
    expect(run.outcome).toMatchObject({ kind: 'reverted', reason: 'health-check-failed' });
    expect(await runningHash(device)).toBe(factoryHash);
  });
});
