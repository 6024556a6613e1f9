import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverMessageSchema } from '../../shared/contract';
import { silentLogger } from '../core/ports/logger';
import { makeTempDir } from '../test-support/temp-dir';
import { openStationRuntime, type StationRuntime } from './runtime';
import { startStationServer, STATION_CSP, type StationServer } from './station-server';

let dir: ReturnType<typeof makeTempDir>;
let runtime: StationRuntime;
let server: StationServer;

beforeEach(async () => {
  dir = makeTempDir();
  const rendererDir = join(dir.path, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Fieldline</title>');
  writeFileSync(join(dir.path, 'secret.txt'), 'outside the renderer');
  runtime = await openStationRuntime({ dataDir: join(dir.path, 'data'), host: 'station', logger: silentLogger, version: '0.0.0-test', enableMdns: false, enableSerialDiscovery: false });
  server = await startStationServer({ endpoint: runtime, logger: silentLogger, port: 0, rendererDir });
});

afterEach(async () => {
  await server.close();
  await runtime.close();
  dir.remove();
});

/** Tries to open the contract socket; resolves with the HTTP status of a refusal or 101 when accepted. */
function connectStatus(query: string, headers: Record<string, string>): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', () => resolve({ status: 0 }));
  });
}

const ownOrigin = (): string => `http://127.0.0.1:${server.port}`;

describe('the station server', () => {
  it('listens on loopback and prints a URL that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(43);
  });

  it('refuses a socket without the token or with a wrong one', async () => {
    expect((await connectStatus('', { Origin: ownOrigin() })).status).toBe(401);
    expect((await connectStatus('?token=wrong', { Origin: ownOrigin() })).status).toBe(401);
    expect((await connectStatus(`?token=${server.token}x`, { Origin: ownOrigin() })).status).toBe(401);
  });

  it('refuses the right token from a foreign origin or without an origin', async () => {
    expect((await connectStatus(`?token=${server.token}`, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await connectStatus(`?token=${server.token}`, {})).status).toBe(403);
  });

  it('serves the contract to a socket with the token and its own origin', async () => {
    const { status, socket } = await connectStatus(`?token=${server.token}`, { Origin: ownOrigin() });
    expect(status).toBe(101);
    const answer = new Promise<unknown>((resolve) => socket?.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    socket?.send(JSON.stringify({ type: 'invoke', id: 1, name: 'app:info', input: {} }));
    const message = serverMessageSchema.parse(await answer);
    expect(message).toMatchObject({ type: 'result', id: 1, envelope: { ok: true, value: { stationId: runtime.info.stationId } } });
    socket?.close();
  });

  it('serves the renderer with a CSP that forbids eval, and nothing outside its folder', async () => {
    const index = await fetch(`${ownOrigin()}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(STATION_CSP);
    expect(STATION_CSP).not.toContain('unsafe-eval');
    expect(STATION_CSP).toContain("script-src 'self'");
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const response = await fetch(`${ownOrigin()}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('outside the renderer');
    }
  });
});
