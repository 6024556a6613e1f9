import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { HttpsFleetClient } from '../../main/adapters/fleet/https-fleet-client';
import type { TlsIdentity } from '../../main/adapters/fleet/https-json';
import { syncOutbox } from '../../main/core/sync/ledger-sync';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { enrollStation, openStation, type OpenStation } from './fleet-station-fixture';

/**
 * A server with the fleet server's own TLS identity (so the station's TLS check passes) that answers
 * each request with whatever `answer` says: the station must refuse it by name and lose nothing.
 */
async function startImpostor(server: TestServer, answer: (respond: (status: number, type: string, body: string) => void) => void): Promise<Server> {
  const impostor = createServer({ cert: server.pki.serverCertificatePem, key: server.pki.serverKeyPem }, (request, response) => {
    request.resume();
    request.on('end', () =>
      answer((status, type, body) => {
        response.writeHead(status, { 'content-type': type });
        response.end(body);
      }),
    );
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  return impostor;
}

let server: TestServer;
let dir: ReturnType<typeof makeTempDir>;
let station: OpenStation;
let tls: TlsIdentity;
const impostors: Server[] = [];

beforeEach(async () => {
  server = await startTestServer();
  dir = makeTempDir('fieldline-station-');
  station = openStation(dir.path);
  tls = await enrollStation(server, dir.path, station.store.stationId);
  for (let index = 0; index < 5; index += 1) station.ledger.append({ actor: 'tech', deviceId: `d${index}`, type: 'device.discovered', payload: {} });
});
afterEach(async () => {
  for (const impostor of impostors.splice(0)) {
    impostor.closeAllConnections();
    await new Promise((resolve) => impostor.close(resolve));
  }
  station.close();
  dir.remove();
  await server.close();
});

const cases: [string, number, string, string, string][] = [
  ['HTML instead of JSON', 200, 'text/html', '<html><body>captive portal</body></html>', 'FLEET_BAD_RESPONSE'],
  ['JSON of the wrong shape', 200, 'application/json', '{"ok":true}', 'FLEET_BAD_RESPONSE'],
  ['a refusal with an unknown code', 409, 'application/json', '{"error":{"code":"NOPE","message":"x"}}', 'FLEET_BAD_RESPONSE'],
  ['a 502 from a proxy', 502, 'text/plain', 'bad gateway', 'FLEET_UNREACHABLE'],
];

describe('a station talking to a server that answers garbage', () => {
  it.each(cases)('refuses %s by name and keeps every event queued', async (_label, status, type, body, code) => {
    const impostor = await startImpostor(server, (respond) => respond(status, type, body));
    impostors.push(impostor);
    const url = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    const client = new HttpsFleetClient(url, tls, 5_000);
    await expect(syncOutbox(station.store, client, AbortSignal.timeout(10_000))).rejects.toMatchObject({ code });
    expect(station.store.pendingOutboxCount()).toBe(5);
    // The real server then gets everything, once.
    await syncOutbox(station.store, new HttpsFleetClient(server.url, tls, 5_000), AbortSignal.timeout(10_000));
    expect(station.store.pendingOutboxCount()).toBe(0);
    const rows = await server.db.query<{ n: unknown }>('SELECT count(*) AS n FROM events');
    expect(Number(rows[0]?.n)).toBe(5);
  });

  it('never acknowledges an event it did not send, whatever position the server claims', async () => {
    const received = new Set<string>();
    const impostor = createServer({ cert: server.pki.serverCertificatePem, key: server.pki.serverKeyPem }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { events: { id: string }[] };
        for (const event of body.events) received.add(event.id);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"acceptedThrough":9999}');
      });
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    impostors.push(impostor);
    const client = new HttpsFleetClient(`https://127.0.0.1:${(impostor.address() as AddressInfo).port}`, tls, 5_000);
    await syncOutbox(station.store, client, AbortSignal.timeout(10_000), { batchSize: 2 });
    // Each request acknowledged only what it carried, so every event was sent before it left the outbox.
    expect(received.size).toBe(5);
    expect(station.store.pendingOutboxCount()).toBe(0);
  });

  it('gives up on a server that never answers, with FLEET_UNREACHABLE, and loses nothing', async () => {
    const impostor = await startImpostor(server, () => undefined);
    impostors.push(impostor);
    const client = new HttpsFleetClient(`https://127.0.0.1:${(impostor.address() as AddressInfo).port}`, tls, 300);
    await expect(syncOutbox(station.store, client, AbortSignal.timeout(10_000))).rejects.toMatchObject({ code: 'FLEET_UNREACHABLE' });
    expect(station.store.pendingOutboxCount()).toBe(5);
  });
});
