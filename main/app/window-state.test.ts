import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { BrowserWindow, Screen } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../core/ports/logger';
import { silentLogger } from '../core/ports/logger';
import { makeTempDir } from '../test-support/temp-dir';
import { applyWindowState, rememberWindowState } from './remember-window-state';
import { BrowserWindow as FakeWindow, behaviour, resetElectronStandIn, screen } from './testing/electron-stand-in';
import { restoreWindowState, saveWindowState, windowStatePath } from './window-state';

vi.mock('electron', () => import('./testing/electron-stand-in'));

const fakeScreen = screen as unknown as Pick<Screen, 'getDisplayMatching'>;
let dir: ReturnType<typeof makeTempDir>;
let filePath: string;

function recordingLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    info: (_fields: object, message: string) => void messages.push(message),
    warn: (_fields: object, message: string) => void messages.push(message),
    child: () => logger,
  };
  return { logger, messages };
}

beforeEach(() => {
  resetElectronStandIn();
  dir = makeTempDir('fieldline-window-state-');
  filePath = windowStatePath(dir.path);
});
afterEach(() => dir.remove());

describe('the main window remembers its size and place', () => {
  it('saves the bounds when the window closes and restores them at the next start', () => {
    const first = new FakeWindow({ width: 1280, height: 820 });
    rememberWindowState(first as unknown as BrowserWindow, filePath, silentLogger);
    first.setBounds({ x: 200, y: 120, width: 1400, height: 900 });
    first.emit('close');

    const state = restoreWindowState(filePath, fakeScreen, silentLogger);
    expect(state).toEqual({ x: 200, y: 120, width: 1400, height: 900, isMaximized: false });
    const second = new FakeWindow({ width: 1280, height: 820 });
    applyWindowState(second as unknown as BrowserWindow, state);
    expect(second.getNormalBounds()).toEqual({ x: 200, y: 120, width: 1400, height: 900 });
    expect(second.maximize).not.toHaveBeenCalled();
  });

  it('keeps a maximized window maximized, with its normal bounds for un-maximizing', () => {
    const window = new FakeWindow({ width: 1280, height: 820 });
    rememberWindowState(window as unknown as BrowserWindow, filePath, silentLogger);
    window.setBounds({ x: 10, y: 10, width: 1000, height: 700 });
    window.maximize();
    window.emit('close');
    const next = new FakeWindow({});
    applyWindowState(next as unknown as BrowserWindow, restoreWindowState(filePath, fakeScreen, silentLogger));
    expect(next.maximize).toHaveBeenCalledOnce();
    expect(next.getNormalBounds()).toEqual({ x: 10, y: 10, width: 1000, height: 700 });
  });

  it('writes atomically: the JSON file and no temporary file left beside it', () => {
    saveWindowState(filePath, { x: 1, y: 2, width: 800, height: 600, isMaximized: false });
    expect(JSON.parse(readFileSync(filePath, 'utf8'))).toEqual({ x: 1, y: 2, width: 800, height: 600, isMaximized: false });
    expect(readdirSync(dir.path)).toEqual(['window-state.json']);
  });

  it('starts at the default size without a saved state, and says nothing about it', () => {
    const { logger, messages } = recordingLogger();
    expect(restoreWindowState(filePath, fakeScreen, logger)).toBeNull();
    expect(messages).toEqual([]);
    applyWindowState(new FakeWindow({}) as unknown as BrowserWindow, null);
  });

  it.each([
    ['not JSON', '{"x": 1,', 'window state is not JSON; using the default size'],
    ['a wrong shape', '{"x":"left","y":0,"width":800,"height":600,"isMaximized":false}', 'window state is malformed; using the default size'],
    ['an absurd size', '{"x":0,"y":0,"width":5,"height":600,"isMaximized":false}', 'window state is malformed; using the default size'],
    ['unknown keys', '{"x":0,"y":0,"width":800,"height":600,"isMaximized":false,"extra":1}', 'window state is malformed; using the default size'],
  ])('ignores %s with a logged reason', (_case, text, reason) => {
    writeFileSync(filePath, text);
    const { logger, messages } = recordingLogger();
    expect(restoreWindowState(filePath, fakeScreen, logger)).toBeNull();
    expect(messages).toEqual([reason]);
  });

  it('ignores bounds no display shows any more (a monitor unplugged), with a logged reason', () => {
    behaviour.workAreas = [{ x: 0, y: 0, width: 1920, height: 1040 }, { x: 1920, y: 0, width: 1920, height: 1040 }];
    saveWindowState(filePath, { x: 2200, y: 100, width: 1200, height: 800, isMaximized: false });
    expect(restoreWindowState(filePath, fakeScreen, silentLogger)).toMatchObject({ x: 2200 });

    behaviour.workAreas = [{ x: 0, y: 0, width: 1920, height: 1040 }];
    const { logger, messages } = recordingLogger();
    expect(restoreWindowState(filePath, fakeScreen, logger)).toBeNull();
    expect(messages).toEqual(['saved window position is off-screen; using the default size']);
  });

  it('counts a window with only a sliver on screen as off-screen', () => {
    saveWindowState(filePath, { x: 1900, y: 100, width: 1200, height: 800, isMaximized: false });
    expect(restoreWindowState(filePath, fakeScreen, silentLogger)).toBeNull();
    expect(existsSync(filePath)).toBe(true);
  });
});
