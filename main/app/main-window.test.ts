import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow } from './main-window';
import { recorded, resetElectronStandIn } from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));

describe('the main window', () => {
  beforeEach(() => resetElectronStandIn());

  function createdWebPreferences() {
    createMainWindow('/app/dist/electron/preload.cjs');
    expect(recorded.windows).toHaveLength(1);
    return recorded.windows[0]?.options.webPreferences ?? {};
  }

  // Each value is compared exactly: a setting removed from main-window.ts reads `undefined` and fails.
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInSubFrames', false],
    ['nodeIntegrationInWorker', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
  ] as const)('sets webPreferences.%s to %s', (setting, expected) => {
    expect(createdWebPreferences()[setting]).toBe(expected);
  });

  it('loads the bundled preload given to it', () => {
    expect(createdWebPreferences().preload).toBe('/app/dist/electron/preload.cjs');
  });

  it('stays hidden until its first paint is ready', () => {
    createMainWindow('/preload.cjs');
    expect(recorded.windows[0]?.options.show).toBe(false);
    recorded.windows[0]?.emit('ready-to-show');
    expect(recorded.windows[0]?.show).toHaveBeenCalledOnce();
  });
});
