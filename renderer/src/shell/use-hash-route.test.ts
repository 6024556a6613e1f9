// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { deviceHref } from '../../features/devices/device-href';
import { parseRoute } from './use-hash-route';

describe('parseRoute', () => {
  it('reads the view, and a device id under #/devices/', () => {
    expect(parseRoute('#/records')).toEqual({ view: 'records', deviceId: null });
    expect(parseRoute('#/devices')).toEqual({ view: 'devices', deviceId: null });
    expect(parseRoute('#/devices/hw-0001')).toEqual({ view: 'devices', deviceId: 'hw-0001' });
    expect(parseRoute('#/settings/extra')).toEqual({ view: 'settings', deviceId: null });
  });

  it('round-trips ids with slashes, spaces and percent signs', () => {
    for (const id of ['usb:1-2/3', 'SN 42', '100%', 'ü-ñ']) {
      expect(parseRoute(deviceHref(id)).deviceId).toBe(id);
    }
    expect(parseRoute('#/devices/50%').deviceId).toBe('50%');
  });

  it('falls back to Devices for an empty or unknown hash', () => {
    expect(parseRoute('')).toEqual({ view: 'devices', deviceId: null });
    expect(parseRoute('#/nowhere/x')).toEqual({ view: 'devices', deviceId: null });
  });
});
