import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test-support/manual-clock';
import { DeviceRegistry, type RegistryChange } from './device-registry';

function setup() {
  const clock = new ManualClock(1_000);
  const registry = new DeviceRegistry(clock, 3_000);
  const changes: RegistryChange[] = [];
  registry.onChanged((change) => changes.push(change));
  return { clock, registry, changes };
}

describe('DeviceRegistry', () => {
  it('merges serial, USB and network sightings of one unit into one device', () => {
    const { registry, clock } = setup();
    registry.report({ transport: 'serial', address: '/dev/ttyACM0', identifiers: { hardwareId: 'a1b2', serial: 'FL-0001' }, model: 'nrf52840', protocol: 'smp' });
    clock.advance(10);
    registry.report({ transport: 'usb', address: '1-4', identifiers: { serial: 'fl-0001' }, protocol: 'dfu' });
    clock.advance(10);
    registry.report({ transport: 'network', address: '127.0.0.1:1337', identifiers: { serial: 'FL-0001' }, firmwareVersion: '1.5.0' });
    const devices = registry.list();
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ id: 'hwid:A1B2', serial: 'FL-0001', hardwareId: 'a1b2', model: 'nrf52840', firmwareVersion: '1.5.0' });
    expect(devices[0]?.sightings.map((s) => s.transport).sort()).toEqual(['network', 'serial', 'usb']);
  });

  it('takes over the version a verified flash installed, on every transport, and announces it', () => {
    const { registry, changes } = setup();
    const id = registry.report({ transport: 'serial', address: '/dev/ttyACM0', identifiers: { hardwareId: 'a1' }, firmwareVersion: '1.0.0' })!;
    registry.report({ transport: 'network', address: 'h:1', identifiers: { hardwareId: 'a1' }, firmwareVersion: '1.0.0' });
    changes.length = 0;
    registry.firmwareChanged(id, '2.1.0');
    expect(registry.get(id)?.firmwareVersion).toBe('2.1.0');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.upserted[0]).toMatchObject({ id, firmwareVersion: '2.1.0' });
    registry.firmwareChanged('hwid:UNKNOWN', '9.9.9');
    expect(changes).toHaveLength(1);
  });

  it('keeps the identity when the device re-enumerates on another port', () => {
    const { registry, clock } = setup();
    const first = registry.report({ transport: 'usb', address: '1-4', identifiers: { serial: 'SN9' }, protocol: 'dfu' });
    registry.lost('usb', '1-4');
    clock.advance(500);
    const second = registry.report({ transport: 'usb', address: '1-7', identifiers: { serial: 'SN9' }, protocol: 'runtime' });
    clock.advance(5_000);
    registry.expire();
    expect(second).toBe(first);
    expect(registry.list()).toMatchObject([{ id: first, sightings: [{ address: '1-7', protocol: 'runtime' }] }]);
  });

  it('merges two entries that turn out to be one device, announcing the removed id', () => {
    const { registry, changes } = setup();
    const bySerial = registry.report({ transport: 'network', address: 'h:1', identifiers: { serial: 'SN5' } });
    const byHwid = registry.report({ transport: 'serial', address: '/dev/ttyACM1', identifiers: { hardwareId: 'ff00' } });
    expect(registry.list()).toHaveLength(2);
    registry.report({ transport: 'serial', address: '/dev/ttyACM1', identifiers: { hardwareId: 'ff00', serial: 'SN5' } });
    expect(registry.list()).toHaveLength(1);
    // The older entry keeps its id (the ledger may already know it); the younger one is announced as removed.
    expect(registry.list()[0]?.id).toBe(bySerial);
    expect(changes.some((change) => change.removedIds.includes(byHwid!))).toBe(true);
  });

  it('lets a lost device disappear only after the grace period', () => {
    const { registry, clock, changes } = setup();
    const id = registry.report({ transport: 'serial', address: '/dev/ttyACM0', identifiers: { serial: 'SN1' } });
    registry.lost('serial', '/dev/ttyACM0');
    clock.advance(2_999);
    registry.expire();
    expect(registry.list()).toHaveLength(1);
    clock.advance(1);
    registry.expire();
    expect(registry.list()).toHaveLength(0);
    expect(changes.at(-1)).toEqual({ upserted: [], removedIds: [id] });
  });

  it('does not list a sighting that has not been identified yet', () => {
    const { registry } = setup();
    expect(registry.report({ transport: 'serial', address: '/dev/ttyUSB3', identifiers: {} })).toBeNull();
    expect(registry.list()).toEqual([]);
  });
});
