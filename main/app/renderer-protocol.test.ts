import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/ports/logger';
import { CONTENT_SECURITY_POLICY } from './content-security-policy';
import { registerAppScheme, serveRenderer } from './renderer-protocol';
import { recorded, resetElectronStandIn } from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));

describe('the app:// scheme', () => {
  let workDir: string;
  let rendererDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'fieldline-renderer-'));
    rendererDir = path.join(workDir, 'dist');
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Fieldline</title>');
    writeFileSync(path.join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(path.join(workDir, 'secret.txt'), 'outside the renderer');
  });

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  beforeEach(() => resetElectronStandIn());

  it('is registered as a standard, secure scheme that does not bypass the CSP', () => {
    registerAppScheme();
    expect(recorded.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) as unknown },
    ]);
    expect(recorded.privilegedSchemes[0]?.privileges?.bypassCSP).toBeUndefined();
  });

  function request(url: string, method = 'GET'): Promise<Response> {
    serveRenderer(rendererDir, silentLogger);
    const handler = recorded.protocolHandlers.get('app');
    if (handler === undefined) throw new Error('no handler registered for app://');
    return Promise.resolve(handler(new Request(url, { method })));
  }

  it('serves index.html with our CSP', async () => {
    const response = await request('app://fieldline/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>Fieldline</title>');
  });

  it('serves scripts as JavaScript, which module scripts require', async () => {
    const response = await request('app://fieldline/assets/index-abc.js');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    'app://fieldline/..%2Fsecret.txt',
    'app://fieldline/assets/..%2F..%2Fsecret.txt',
    'app://fieldline/%2e%2e/secret.txt',
  ])('refuses %s, which points outside renderer/dist', async (url) => {
    const response = await request(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it('answers only for its own host', async () => {
    expect((await request('app://elsewhere/index.html')).status).toBe(404);
  });

  it('answers 404 for a missing file and 405 for anything but GET and HEAD', async () => {
    expect((await request('app://fieldline/assets/missing.js')).status).toBe(404);
    expect((await request('app://fieldline/devices')).status).toBe(404);
    expect((await request('app://fieldline/index.html', 'POST')).status).toBe(405);
  });
});
