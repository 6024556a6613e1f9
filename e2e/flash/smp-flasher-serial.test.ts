import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadImage } from '../../main/core/drivers/smp/image-upload';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { openSmpLink } from '../../main/core/drivers/smp/smp-flasher-link';
import { isProcessAlive } from '../lab/process-liveness';
import { countUploadRequests, failEchoWhenRunning, flashRig, runningHash } from './flash-harness';
import { FlashRig, type FlashRigOptions } from './flash-lab-rig';
import { flashTarget } from './flash-test-images';

const FULL_SEQUENCE = [
  'upload',
  'verify-upload',
  'mark-test',
  'test-reset',
  'device-back',
  'health-check',
  'confirm',
];

/**
 * The SMP flasher against a lab device behind socat, opened with the real serialport adapter: the
 * whole test → reset → health check → confirm sequence, skipping what is already there, resuming after
 * an unplug, resynchronising after lost frames, and reverts recorded as reverts.
 */
describe('SMP flasher over a pty', () => {
  let rig: FlashRig | undefined;

  afterEach(async () => {
    const pids = rig?.socatPids ?? [];
    expect(rig?.device.faults ?? []).toEqual([]);
    await rig?.stop();
    rig = undefined;
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  async function start(options: Partial<FlashRigOptions> = {}): Promise<FlashRig> {
    rig = await FlashRig.start({ transport: 'serial', ...options });
    return rig;
  }

  it('uploads, verifies the hash on the device, tests, resets, health-checks and confirms', async () => {
    const device = await start();
    const factoryHash = await runningHash(device);
    const target = flashTarget('2.0.0');
    const run = await flashRig(device, target);

    expect(run.outcome.kind).toBe('confirmed');
    expect(run.checkpoints).toEqual(FULL_SEQUENCE);
    const evidence = run.outcome.evidence;
    expect(evidence.verifiedHash).toBe(target.imageHash);
    expect(evidence.slotsBefore).toEqual([
      expect.objectContaining({ slot: 0, hash: factoryHash, isConfirmed: true }),
    ]);
    expect(evidence.slotsAfter).toContainEqual(
      expect.objectContaining({
        slot: 0,
        version: '2.0.0',
        hash: target.imageHash,
        isActive: true,
        isConfirmed: true,
      }),
    );
    expect(evidence.slotsAfter).toContainEqual(expect.objectContaining({ slot: 1, hash: factoryHash }));
    expect(evidence.isUploadSkipped).toBe(false);
    expect(await runningHash(device)).toBe(target.imageHash);
    expect(device.device.store.boot).toMatchObject({ isRevertPending: false, swapRequest: 'none' });
  });

  it('skips the upload when the image is already running, or already waiting in slot 1', async () => {
    const device = await start();
    const first = flashTarget('2.1.0');
    await flashRig(device, first);
    const uploadsBefore = countUploadRequests(device);
    const again = await flashRig(device, first);
    expect(again.outcome).toMatchObject({
      kind: 'confirmed',
      evidence: { isAlreadyRunning: true, isUploadSkipped: true },
    });
    expect(again.checkpoints).toEqual([]);
    expect(countUploadRequests(device)).toBe(uploadsBefore);

    // A second image uploaded by someone else earlier: the flasher goes straight to test.
    const second = flashTarget('2.2.0');
    const link = await openSmpLink(device.ports, device.endpoint);
    const client = new SmpClient(link.transport, { maxInFlight: 3 });
    await uploadImage(client, second.bytes, { deviceBufSizeBytes: 2048, maxInFlight: 3 });
    client.dispose();
    await link.close();
    const uploadsAfterManual = countUploadRequests(device);
    const skipped = await flashRig(device, second);
    expect(skipped.outcome).toMatchObject({
      kind: 'confirmed',
      evidence: { isUploadSkipped: true, isAlreadyRunning: false },
    });
    expect(skipped.checkpoints).toEqual(FULL_SEQUENCE.slice(2));
    expect(countUploadRequests(device)).toBe(uploadsAfterManual);
  });

  it('resumes from the device offset after the cable is pulled at 40% of the upload', async () => {
    const device = await start({
      faults: { unplug: { atPercent: 40, downMs: 300 } },
      config: { bufSizeBytes: 1024 },
    });
    const target = flashTarget('3.0.0', 60_000);
    const run = await flashRig(device, target);
    expect(run.outcome.kind).toBe('confirmed');
    expect(run.outcome.evidence.resumedFromBytes).toBeGreaterThanOrEqual(0.4 * target.bytes.length);
    expect(run.outcome.evidence.reconnects).toBeGreaterThanOrEqual(2); // the unplug and the test reset
    expect(device.device.faultSchedule.counts.unplugs).toBe(1);
    expect(await runningHash(device)).toBe(target.imageHash);
  });

  it('resynchronises on the device offset after dropped and corrupted frames, and console noise', async () => {
    const device = await start({
      faults: {
        seed: 3,
        drop: { packets: [6, 11], direction: 'to-device' },
        corrupt: { packets: [9, 14] },
        duplicate: { packets: [17], direction: 'to-device' },
        consoleNoise: { rate: 0.2 },
      },
    });
    const target = flashTarget('3.1.0', 40_000);
    const run = await flashRig(device, target);
    expect(run.outcome.kind).toBe('confirmed');
    const counts = device.device.linkFaults.counts;
    expect(counts['to-device'].drop).toBe(2);
    expect(counts['to-device'].corrupt + counts['from-device'].corrupt).toBeGreaterThanOrEqual(2);
    expect(await runningHash(device)).toBe(target.imageHash);
  });

  it('gets through frames corrupted at random in both directions during every step', async () => {
    const device = await start({
      faults: { seed: 21, corrupt: { rate: 0.06 }, consoleNoise: { rate: 0.1 } },
    });
    const target = flashTarget('3.2.0', 20_000);
    const run = await flashRig(device, target);
    expect(run.outcome).toMatchObject({ kind: 'confirmed', evidence: { verifiedHash: target.imageHash } });
    const counts = device.device.linkFaults.counts;
    expect(counts['to-device'].corrupt).toBeGreaterThan(0);
    expect(counts['from-device'].corrupt).toBeGreaterThan(0);
    expect(await runningHash(device)).toBe(target.imageHash);
  });

  it('records a revert, never a confirm, when the new image boots but fails its health check', async () => {
    const device = await start();
    const factoryHash = await runningHash(device);
    const target = flashTarget('4.0.0');
    failEchoWhenRunning(device, target);
    const run = await flashRig(device, target);

    expect(run.outcome).toMatchObject({ kind: 'reverted', reason: 'health-check-failed' });
    expect(run.checkpoints).not.toContain('confirm');
    expect(run.checkpoints.slice(-3)).toEqual(['device-back', 'revert-reset', 'device-back']);
    expect(run.outcome.evidence.verifiedHash).toBeNull();
    expect(run.outcome.evidence.slotsAfter).toContainEqual(
      expect.objectContaining({ slot: 0, hash: factoryHash, isConfirmed: true }),
    );
    expect(await runningHash(device)).toBe(factoryHash);
  });

  it('records a revert when the bootloader refuses an image signed with a key it does not trust', async () => {
    const trusted = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    const device = await start({
      config: { trustedKeysPem: [trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString()] },
    });
    const factoryHash = await runningHash(device);
    const run = await flashRig(device, flashTarget('4.1.0', 20_000, other.privateKey));
    expect(run.outcome).toMatchObject({ kind: 'reverted', reason: 'bootloader-refused' });
    expect(run.checkpoints).not.toContain('confirm');
    expect(await runningHash(device)).toBe(factoryHash);
    expect(await device.device.store.readSlot(1)).toBeUndefined();
  });
});
