import { describe, expect, it } from 'vitest';
import { appSkipReason, appTarget, findElectronBinary, titleWithSkipReason } from './app-under-test';

describe('which app a journey runs against', () => {
  it('is Chromium against the station unless FIELDLINE_E2E_TARGET says electron', () => {
    expect(appTarget({})).toBe('chromium');
    expect(appTarget({ FIELDLINE_E2E_TARGET: '' })).toBe('chromium');
    expect(appTarget({ FIELDLINE_E2E_TARGET: 'chromium' })).toBe('chromium');
    expect(appTarget({ FIELDLINE_E2E_TARGET: 'electron' })).toBe('electron');
  });

  it('refuses any other target, naming the value', () => {
    expect(() => appTarget({ FIELDLINE_E2E_TARGET: 'firefox' })).toThrow('not "firefox"');
  });

  it('never skips Chromium; skips Electron, saying so, where its binary is missing', () => {
    expect(appSkipReason('chromium')).toBeUndefined();
    if (findElectronBinary() === undefined) {
      expect(appSkipReason('electron')).toBe('skipped: the Electron binary is not installed (it cannot be downloaded on this machine)');
    } else {
      expect(appSkipReason('electron')).not.toContain('binary');
    }
  });

  it('puts the skip reason into the suite title, and leaves a runnable title alone', () => {
    expect(titleWithSkipReason('first journey', 'skipped: no display')).toBe('first journey (skipped: no display)');
    expect(titleWithSkipReason('first journey', undefined)).toBe('first journey');
  });
});
