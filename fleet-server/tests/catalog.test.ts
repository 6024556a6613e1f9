import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAdminCommand } from '../src/admin/admin-socket';
import { AppError } from '../../shared/errors';
import { httpsRequest } from './helpers/https-client';
import { enrollStation, errorOf, type StationClient } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
let station: StationClient;
beforeAll(async () => {
  server = await startTestServer();
  station = await enrollStation(server, 'catalog-st');
});
afterAll(async () => {
  await server.close();
});

function getCatalog(ifNoneMatch?: string) {
  return httpsRequest(server.url, {
    method: 'GET',
    path: '/catalog',
    caPem: server.caPem,
    client: station.credentials,
    ...(ifNoneMatch === undefined ? {} : { headers: { 'if-none-match': ifNoneMatch } }),
  });
}

describe('catalog for offline stations', () => {
  it('answers 304 to a current If-None-Match and 200 with a new ETag after a change', async () => {
    const first = await getCatalog();
    expect(first.status).toBe(200);
    const etag = String(first.headers['etag']);
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const catalog = first.json as { trustAnchors: { name: string; pem: string }[]; recipes: unknown[] };
    expect(catalog.trustAnchors.map((anchor) => anchor.name)).toEqual(['fleet-ca', 'device-ca']);
    expect(catalog.trustAnchors[0]?.pem).toBe(server.caPem);

    const unchanged = await getCatalog(etag);
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers['etag']).toBe(etag);
    expect((await getCatalog(`"other", W/${etag}`)).status).toBe(304);
    expect((await getCatalog('"stale"')).status).toBe(200);

    // Published through the running server's admin socket, as the CLI does.
    await sendAdminCommand(server.dataDir, 'catalog-put', { kind: 'recipe', name: 'gateway-eu', body: { bundle: 'gw-fw@3.1.0', config: { region: 'eu' } } });
    const changed = await getCatalog(etag);
    expect(changed.status).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect((changed.json as { recipes: unknown[] }).recipes).toEqual([{ name: 'gateway-eu', recipe: { bundle: 'gw-fw@3.1.0', config: { region: 'eu' } } }]);
    expect((await getCatalog(String(changed.headers['etag']))).status).toBe(304);
  });

  it('lists revoked certificates, and refuses callers without a station certificate', async () => {
    const revoked = await enrollStation(server, 'catalog-revoked');
    await sendAdminCommand(server.dataDir, 'revoke-station', { stationId: 'catalog-revoked' });
    const catalog = (await getCatalog()).json as { revocations: { certificates: { kind: string }[]; crls: { path: string }[] } };
    expect(catalog.revocations.certificates).toHaveLength(1);
    expect(catalog.revocations.crls.map((crl) => crl.path)).toEqual(['/pki/fleet-ca.crl', '/pki/device-ca.crl']);
    expect((await revoked.request('GET', '/catalog')).status).toBe(401);
    const anonymous = await httpsRequest(server.url, { method: 'GET', path: '/catalog', caPem: server.caPem });
    expect(errorOf(anonymous).code).toBe('STATION_CERTIFICATE_REJECTED');
  });

  it('refuses a trust anchor that is not a CA certificate', async () => {
    const attempt = sendAdminCommand(server.dataDir, 'catalog-put', { kind: 'trust-anchor', name: 'bad', body: { pem: 'nope', purpose: 'x' } });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'CERTIFICATE_INVALID' });
    const leaf = (station.credentials.certificatePem);
    await expect(sendAdminCommand(server.dataDir, 'catalog-put', { kind: 'trust-anchor', name: 'leaf', body: { pem: leaf, purpose: 'x' } })).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
    });
  });
});
