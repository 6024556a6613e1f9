import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract';
import { ManualClock } from '../../main/test-support/manual-clock';
import { isProcessAlive } from '../lab/process-liveness';
import { eventually, openDescriptorsTo, openDiscoveryHarness } from './discovery-harness';

type Harness = Awaited<ReturnType<typeof openDiscoveryHarness>>;

/**
 * Serial discovery against the device lab (architecture.md: the serial path is real end to end): lab
 * SMP devices on socat pseudo-terminals, found through a configured glob, opened by the real serialport
 * adapter, identified over SMP, and merged into the core's registry on a real SQLite ledger.
 */
describe('serial discovery of lab devices', () => {
  let clock: ManualClock;
  let harness: Harness;
  let changes: EventPayload<'devices:changed'>[];

  beforeEach(async () => {
    // The registry's grace period runs on this clock, so "lost after the grace period" needs no sleeping.
    clock = new ManualClock(1_700_000_000_000);
    harness = await openDiscoveryHarness(clock);
    changes = [];
    harness.core.events.onEvent((name, payload) => {
      if (name === 'devices:changed') changes.push(payload as EventPayload<'devices:changed'>);
    });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('lists a device by the identity it reads over SMP, records it once, and closes the port after probing', async () => {
    const lab = await harness.startDevice('unit-1', { serialNumber: 'DISC-0001', hardwareId: 'c0ffee0001' });
    harness.discovery.start();
    const device = await eventually(() => harness.core.registry.list()[0], 'the device to be listed');
    expect(device).toMatchObject({
      id: 'hwid:C0FFEE0001',
      serial: 'DISC-0001',
      hardwareId: 'c0ffee0001',
      model: 'fieldline-lab-nrf52840',
      firmwareVersion: '1.0.0',
      sightings: [
        {
          transport: 'serial',
          address: lab.address.kind === 'serial' ? lab.address.path : '',
          protocol: 'smp',
        },
      ],
    });
    expect(changes.some((change) => change.upserted.some((listed) => listed.id === device.id))).toBe(true);
    expect(harness.core.ledger.deviceHistory(device.id).map((event) => event.type)).toEqual([
      'device.discovered',
      'device.identified',
    ]);
    expect(harness.discovery.status()).toMatchObject([
      { phase: 'identified', deviceId: device.id, attempts: 1 },
    ]);
    if (lab.address.kind !== 'serial') throw new Error('expected a serial lab device');
    expect(openDescriptorsTo(lab.address.device)).toBe(0);
  });

  it('loses an unplugged device only after the grace period, and knows it again on another pty path', async () => {
    const first = await harness.startDevice('port-a', { serialNumber: 'DISC-0002' });
    harness.discovery.start();
    const { id } = await eventually(() => harness.core.registry.list()[0], 'the device to be listed');
    if (first.address.kind !== 'serial') throw new Error('expected a serial lab device');
    const socatPid = first.address.socatPid;

    await first.stop();
    expect(isProcessAlive(socatPid)).toBe(false);
    await eventually(
      () => (harness.discovery.status().length === 0 ? true : undefined),
      'the port to leave the list',
    );
    harness.core.tick();
    expect(harness.core.registry.list()).toHaveLength(1);
    clock.advance(3_000);
    harness.core.tick();
    expect(harness.core.registry.list()).toEqual([]);
    expect(changes.at(-1)).toEqual({ upserted: [], removedIds: [id] });

    // Same unit (same state folder, so the same identity.json), plugged into another port.
    const second = await harness.startDevice('port-b', { serialNumber: 'DISC-0002' });
    const again = await eventually(() => harness.core.registry.list()[0], 'the device to come back');
    expect(again.id).toBe(id);
    expect(again.sightings).toMatchObject([
      { address: second.address.kind === 'serial' ? second.address.path : '' },
    ]);
    expect(
      harness.core.ledger.deviceHistory(id).filter((event) => event.type === 'device.discovered'),
    ).toHaveLength(1);
  });
});
