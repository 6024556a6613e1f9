import { afterEach, describe, expect, it } from 'vitest';
import type { SmpEndpoint } from '../../main/core/drivers/smp/smp-flasher-link';
import { SmpFlasher } from '../../main/core/drivers/smp/smp-flasher';
import { FRESH_FLASH_MEMORY } from '../../main/core/drivers/smp/smp-flasher-plan';
import { SmpFlashSession } from '../../main/core/drivers/smp/smp-flasher-session';
import { UdpSmpLink } from '../lab/transports/udp-smp-link';
import { isProcessAlive } from '../lab/process-liveness';
import { runningHash } from './flash-harness';
import { FlashRig } from './flash-lab-rig';
import { flashTarget } from './flash-test-images';

/**
 * After the test reset the device comes back on another transport (its serial cable was pulled; it is
 * still on the network). The flasher finds it again by identity wherever `locate` says it is, and a
 * different device answering at one of those places is passed over.
 */
describe('SMP flasher finding the device again on any transport', () => {
  const rigs: FlashRig[] = [];
  const links: UdpSmpLink[] = [];

  afterEach(async () => {
    for (const link of links.splice(0)) await link.stop();
    for (const rig of rigs.splice(0)) {
      const pids = rig.socatPids;
      expect(rig.device.faults).toEqual([]);
      await rig.stop();
      for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    }
  });

  it('goes on over UDP when the serial link is gone after the reset, skipping an impostor', async () => {
    const device = await FlashRig.start({ transport: 'serial' });
    const impostor = await FlashRig.start({ transport: 'udp', config: { serialNumber: 'FL-OTHER-9' } });
    rigs.push(device, impostor);
    const network = await UdpSmpLink.start(device.device, { address: '127.0.0.1' });
    links.push(network);
    const located: SmpEndpoint[] = [impostor.endpoint, { kind: 'udp', ...network.endpoint }];
    const session = new SmpFlashSession({
      ports: device.ports,
      endpoint: device.endpoint,
      expectedHardwareId: device.hardwareId,
      locate: () => Promise.resolve(located),
      reappearTimeoutMs: 5_000,
      requestTimeoutMs: 1_000,
    });
    const target = flashTarget('7.0.0');
    await session.connect();
    try {
      const flasher = new SmpFlasher(
        session,
        target,
        { ...FRESH_FLASH_MEMORY },
        {
          // The reset re-enumerates the device's USB: its serial port does not come back.
          checkpoint: (step) => {
            if (step === 'test-reset') {
              const boot = device.device.onBoot(() => {
                boot.dispose();
                void device.pull();
              });
            }
            return Promise.resolve();
          },
        },
      );
      const outcome = await flasher.run();
      expect(outcome.kind).toBe('confirmed');
      expect(outcome.evidence.transports).toEqual([
        `serial:${device.endpoint.kind === 'serial' ? device.endpoint.path : ''}`,
        `udp:127.0.0.1:${network.endpoint.port}`,
      ]);
    } finally {
      await session.close();
    }
    expect(await runningHash(device)).toBe(target.imageHash);
    expect(impostor.device.dispatcher.traffic.some((entry) => entry.group === 1)).toBe(false);
  });
});
