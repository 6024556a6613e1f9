import type { Session } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/ports/logger';
import { applySessionHardening } from './session-hardening';
import { callWith, FakeSession, resetElectronStandIn } from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));

/** Splits a CSP into `directive → sources`. */
function directivesOf(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== '')
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

describe('session hardening', () => {
  let session: FakeSession;

  beforeEach(() => {
    resetElectronStandIn();
    session = new FakeSession();
    applySessionHardening(session as unknown as Session, silentLogger);
  });

  it.each([
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'openExternal',
    'fullscreen',
    'hid',
    'serial',
    'usb',
  ])('answers a request for the %s permission with false', (permission) => {
    const callback = vi.fn();
    callWith(session.permissionRequestHandler, {}, permission, callback, {
      requestingUrl: 'app://fieldline/index.html',
    });
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('answers every other permission check with false', () => {
    for (const permission of ['media', 'clipboard-read', 'serial', 'usb']) {
      expect(callWith(session.permissionCheckHandler, null, permission, 'app://fieldline', {})).toBe(false);
    }
  });

  it('allows clipboard writes (the copy buttons) for our own origin only', () => {
    const request = (url: string): unknown => {
      const callback = vi.fn();
      callWith(session.permissionRequestHandler, {}, 'clipboard-sanitized-write', callback, { requestingUrl: url });
      return callback.mock.calls[0]?.[0];
    };
    expect(request('app://fieldline/index.html#/devices')).toBe(true);
    expect(request('https://example.com/')).toBe(false);
    expect(request('app://other/index.html')).toBe(false);
    expect(request('file:///tmp/index.html')).toBe(false);
    expect(callWith(session.permissionCheckHandler, null, 'clipboard-sanitized-write', 'app://fieldline', {})).toBe(true);
    expect(callWith(session.permissionCheckHandler, null, 'clipboard-sanitized-write', 'https://example.com', {})).toBe(false);
  });

  it('refuses WebUSB, WebSerial and WebHID device access', () => {
    expect(
      callWith(session.devicePermissionHandler, { deviceType: 'serial', origin: 'app://fieldline' }),
    ).toBe(false);
  });

  describe('the CSP added to http(s) responses', () => {
    function headersAfterHook(responseHeaders: Record<string, string[]>): Record<string, string[]> {
      const callback = vi.fn();
      callWith(session.headersReceivedListener, { url: 'https://example.com/', responseHeaders }, callback);
      const [response] = callback.mock.calls[0] as [{ responseHeaders: Record<string, string[]> }];
      return response.responseHeaders;
    }

    function ourPolicy(): Map<string, string[]> {
      const policies = headersAfterHook({})['Content-Security-Policy'] ?? [];
      expect(policies).toHaveLength(1);
      return directivesOf(policies[0] ?? '');
    }

    it("allows scripts only from 'self'", () => {
      expect(ourPolicy().get('script-src')).toEqual(["'self'"]);
    });

    it("defaults every other kind of resource to 'self'", () => {
      expect(ourPolicy().get('default-src')).toEqual(["'self'"]);
    });

    it("never allows 'unsafe-eval', and allows no plugins, frames or <base>", () => {
      const policy = ourPolicy();
      expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('frame-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'none'"]);
    });

    it("keeps a server's own policy beside ours, so it can only get stricter", () => {
      const headers = headersAfterHook({
        'content-security-policy': ["script-src 'unsafe-eval'"],
        'X-Other': ['kept'],
      });
      expect(headers['Content-Security-Policy']).toHaveLength(2);
      expect(headers['Content-Security-Policy']?.[1]).toContain("script-src 'self'");
      expect(headers['X-Other']).toEqual(['kept']);
    });
  });
});
