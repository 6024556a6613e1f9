import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectDevice, type ProjectionEvent } from './device-projection';
import { nextLifecycleState } from '../../../shared/ledger/lifecycle-rules';

let sequence = 0;
function event(hlc: string, type: string, payload: ProjectionEvent['payload'] = {}): ProjectionEvent {
  sequence += 1;
  return { id: `id-${String(sequence).padStart(4, '0')}`, hlc, type, payload };
}

describe('lifecycle rules', () => {
  it('moves forward through the progression and never backward', () => {
    expect(nextLifecycleState(null, 'device.discovered').state).toBe('new');
    expect(nextLifecycleState('new', 'firmware.flashed').state).toBe('provisioned');
    expect(nextLifecycleState('in-service', 'firmware.flashed').state).toBe('in-service');
    expect(nextLifecycleState('configured', 'device.discovered').state).toBe('configured');
    expect(nextLifecycleState('failed', 'firmware.flashed').state).toBe('provisioned');
  });

  it('keeps retirement terminal unless a re-commissioning follows', () => {
    expect(nextLifecycleState('retired', 'device.commissioned')).toEqual({ state: 'retired', isSuperseded: true });
    expect(nextLifecycleState('retired', 'device.failed')).toEqual({ state: 'retired', isSuperseded: true });
    expect(nextLifecycleState('retired', 'device.recommissioned')).toEqual({ state: 'new', isSuperseded: false });
    expect(nextLifecycleState('in-service', 'device.recommissioned').state).toBe('in-service');
  });
});

describe('projectDevice', () => {
  const history = [
    event('0001', 'device.discovered', { model: 'nrf52', serial: 'S1' }),
    event('0002', 'firmware.flashed', { version: '1.0.0' }),
    event('0003', 'certificate.enrolled'),
    event('0004', 'config.applied'),
    event('0005', 'device.commissioned'),
    event('0006', 'firmware.flashed', { version: '1.1.0' }),
    event('0007', 'device.retired'),
    event('0008', 'config.applied'),
  ];

  it('folds events in causal order and counts what a retirement superseded', () => {
    expect(projectDevice(history)).toMatchObject({
      state: 'retired',
      model: 'nrf52',
      serial: 'S1',
      firmwareVersion: '1.1.0',
      lastAction: 'device.retired',
      eventCount: 8,
      supersededCount: 1,
    });
  });

  it('starts over after a recorded re-commissioning', () => {
    const revived = projectDevice([...history, event('0009', 'device.recommissioned'), event('0010', 'firmware.flashed', { version: '2.0.0' })]);
    expect(revived).toMatchObject({ state: 'provisioned', firmwareVersion: '2.0.0', supersededCount: 1 });
  });

  it('gives the same device for every arrival order (HLC ties broken by id)', () => {
    const tied = [...history, event('0005', 'device.failed'), event('0007', 'device.recommissioned')];
    const expected = projectDevice(tied);
    fc.assert(
      fc.property(fc.shuffledSubarray(tied, { minLength: tied.length, maxLength: tied.length }), (shuffled) => {
        expect(projectDevice(shuffled)).toEqual(expected);
      }),
    );
  });
});
