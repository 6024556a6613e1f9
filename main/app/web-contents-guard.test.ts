import type { App, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/ports/logger';
import { APP_ORIGIN } from './app-origin';
import {
  app,
  cancellableEvent,
  FakeWebContents,
  resetElectronStandIn,
  shell,
} from './testing/electron-stand-in';
import { guardEveryWebContents, guardWebContents } from './web-contents-guard';

vi.mock('electron', () => import('./testing/electron-stand-in'));

describe('the webContents guard', () => {
  let contents: FakeWebContents;

  beforeEach(() => {
    resetElectronStandIn();
    contents = new FakeWebContents();
    guardWebContents(contents as unknown as WebContents, APP_ORIGIN, silentLogger);
  });

  describe.each(['will-navigate', 'will-redirect'])('%s', (eventName) => {
    it.each([
      'https://evil.example/',
      'http://localhost:5173/',
      'file:///etc/passwd',
      'app://fieldline.evil.example/',
      'about:blank',
      'not a url',
    ])('is cancelled for %s', (url) => {
      const event = cancellableEvent(url);
      contents.emit(eventName, event);
      expect(event.preventDefault).toHaveBeenCalled();
    });

    it('is allowed within our own origin', () => {
      const event = cancellableEvent('app://fieldline/index.html#/devices');
      contents.emit(eventName, event);
      expect(event.preventDefault).not.toHaveBeenCalled();
    });
  });

  describe('window.open', () => {
    it('never opens a window, and sends an https link to the OS browser', () => {
      expect(contents.windowOpenHandler?.({ url: 'https://docs.example.com/fieldline' })).toEqual({
        action: 'deny',
      });
      expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://docs.example.com/fieldline');
    });

    it.each([
      'http://example.com/',
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'app://fieldline/index.html',
    ])('refuses %s without handing it to the OS', (url) => {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
      expect(shell.openExternal).not.toHaveBeenCalled();
    });
  });

  it('refuses to attach a <webview>', () => {
    const event = cancellableEvent();
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('guards every webContents the app creates, not only the main window', () => {
    guardEveryWebContents(app as unknown as App, APP_ORIGIN, silentLogger);
    const other = new FakeWebContents();
    app.emit('web-contents-created', {}, other);

    const navigation = cancellableEvent('https://evil.example/');
    other.emit('will-navigate', navigation);
    expect(navigation.preventDefault).toHaveBeenCalled();
    expect(other.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});
