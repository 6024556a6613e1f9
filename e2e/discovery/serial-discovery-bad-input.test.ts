import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/core/ports/clock';
import { IdentityCommand } from '../../main/core/drivers/smp/identity-commands';
import { SmpGroup } from '../../main/core/drivers/smp/smp-header';
import type { SerialDiscoveryOptions } from '../../main/core/discovery/serial-discovery';
import { PtyEndpoint } from '../lab/transports/pty-endpoint';
import { startPtyPair, type PtyPair } from '../lab/transports/socat-pty-pair';
import { eventually, openDescriptorsTo, openDiscoveryHarness } from './discovery-harness';

type Harness = Awaited<ReturnType<typeof openDiscoveryHarness>>;

/**
 * Bad input on serial ports (the issue: "garbage or silence on a serial port, a device that stops
 * answering mid-probe … skipped or marked with a logged reason, never a crash, a hang or a leaked port").
 */
describe('serial discovery of ports that are not (well-behaved) SMP devices', () => {
  let harness: Harness;
  const cleanups: (() => Promise<void> | void)[] = [];
  const open = async (options: SerialDiscoveryOptions = {}): Promise<Harness> => {
    harness = await openDiscoveryHarness(systemClock, { firstRetryDelayMs: 100, ...options });
    return harness;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await harness.close();
  });

  /** A pty pair under the lab glob whose far end is held by the test instead of a lab device. */
  const farEnd = async (slot: string): Promise<{ pty: PtyPair; endpoint: PtyEndpoint }> => {
    const folder = join(harness.labRoot, slot, 'pty');
    await mkdir(folder, { recursive: true });
    const pty = await startPtyPair(folder);
    const endpoint = await PtyEndpoint.open(pty.labPath);
    cleanups.push(async () => {
      await endpoint.close();
      await pty.stop();
    });
    return { pty, endpoint };
  };
  const statusOf = (path: string) => harness.discovery.status().find((status) => status.path === path);

  it('marks a port that answers random bytes as not SMP, with a logged reason, and probes it again later without leaking the port', async () => {
    await open();
    const { pty, endpoint } = await farEnd('garbage');
    const noise = setInterval(() => endpoint.write(randomBytes(48)), 5);
    cleanups.push(() => clearInterval(noise));
    harness.discovery.start();
    const retried = await eventually(() => {
      const status = statusOf(pty.appPath);
      return status !== undefined && status.attempts >= 2 && status.phase === 'unidentified'
        ? status
        : undefined;
    }, 'a second failed probe');
    expect(retried.reason).toMatch(/^not SMP: \d+ bytes/);
    expect(harness.core.registry.list()).toEqual([]);
    expect(harness.log).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'serial port unidentified',
        fields: expect.objectContaining({ path: pty.appPath }) as unknown,
      }),
    );
    expect(openDescriptorsTo(pty.appDevice)).toBe(0);
  });

  it('marks a silent port after the request timeouts', async () => {
    await open({ firstRetryDelayMs: 60_000 });
    const { pty } = await farEnd('silent');
    harness.discovery.start();
    const status = await eventually(
      () => (statusOf(pty.appPath)?.phase === 'unidentified' ? statusOf(pty.appPath) : undefined),
      'the silent port to be marked',
    );
    expect(status.reason).toBe('silent: no answer to SMP echo (2 tries)');
    expect(openDescriptorsTo(pty.appDevice)).toBe(0);
  });

  it('does not let a silent port delay a device on another port', async () => {
    // Long timeouts keep the silent port's probe running while the device is found.
    await open({ probe: { requestTimeoutMs: 4_000 } });
    const { pty } = await farEnd('a-silent');
    await harness.startDevice('b-device', { serialNumber: 'DISC-0100' });
    harness.discovery.start();
    await eventually(() => harness.core.registry.list()[0], 'the device to be listed');
    expect(statusOf(pty.appPath)?.phase).toBe('probing');
  });

  it('marks a device that stops answering mid-probe, and closes the port', async () => {
    await open({ firstRetryDelayMs: 60_000 });
    const lab = await harness.startDevice('stalls', { serialNumber: 'DISC-0200' });
    // Identity read hangs: the device answered echo, then goes quiet (the test releases it at the end).
    // Registering on the running device's dispatcher replaces the lab's handler for this one command.
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    lab.device.dispatcher.on(SmpGroup.fieldlineIdentity, IdentityCommand.identity, 'read', async () => {
      await stalled;
      return { smpRc: 8 };
    });
    cleanups.push(() => release());
    harness.discovery.start();
    if (lab.address.kind !== 'serial') throw new Error('expected a serial lab device');
    const path = lab.address.path;
    const status = await eventually(
      () => (statusOf(path)?.phase === 'unidentified' ? statusOf(path) : undefined),
      'the stalled device to be marked',
    );
    expect(status.reason).toBe('stopped answering during SMP identity: no answer to SMP identity (2 tries)');
    expect(harness.core.registry.list()).toEqual([]);
    expect(openDescriptorsTo(lab.address.device)).toBe(0);
  });
});
