import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../shared/contract';
import { GENESIS_HASH } from '../../../shared/ledger/canonical-event';
import { projectDevice } from './device-projection';
import type { DeviceRecord } from './device-record';

let counter = 0;
function event(type: string, payload: LedgerEvent['payload'] = {}, deviceId: string | null = 'dev-1'): LedgerEvent {
  counter += 1;
  return {
    id: `e${counter}`,
    stationId: 's',
    stationSeq: counter,
    hlc: `${String(counter).padStart(15, '0')}:00000`,
    actor: 'tester',
    deviceId,
    type,
    payload,
    prevHash: GENESIS_HASH,
    hash: GENESIS_HASH,
  };
}

function run(...events: LedgerEvent[]): DeviceRecord | null {
  return events.reduce<DeviceRecord | null>((record, next) => projectDevice(record, next), null);
}

describe('projectDevice', () => {
  it('follows the lifecycle and keeps facts from payloads', () => {
    const record = run(
      event('device.discovered', { model: 'nrf52840-dk', serial: 'SN1' }),
      event('firmware.flashed', { firmwareVersion: '1.5.0' }),
      event('certificate.enrolled'),
      event('config.applied'),
    );
    expect(record).toMatchObject({ id: 'dev-1', state: 'configured', model: 'nrf52840-dk', serial: 'SN1', firmwareVersion: '1.5.0', lastEventType: 'config.applied' });
  });

  it('does not reset a known device when it is discovered again (a replug)', () => {
    expect(run(event('device.discovered'), event('firmware.flashed'), event('device.discovered'))?.state).toBe('provisioned');
  });

  it('keeps a retired device retired until it is recommissioned', () => {
    const retired = run(event('device.discovered'), event('device.retired'), event('firmware.flashed'), event('device.discovered'));
    expect(retired?.state).toBe('retired');
    expect(projectDevice(retired, event('device.recommissioned'))?.state).toBe('new');
  });

  it('ignores events about no device', () => {
    expect(projectDevice(null, event('note.added', {}, null))).toBeNull();
  });

  it('leaves the state alone for event types that are not transitions', () => {
    expect(run(event('firmware.flashed'), event('note.added'))?.state).toBe('provisioned');
  });
});
