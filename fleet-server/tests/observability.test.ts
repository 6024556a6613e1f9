import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '../src/observability/api-operations';
import { toOpenApiPath } from '../src/observability/openapi-document';
import { EventChainBuilder } from './helpers/event-chain';
import { httpsRequest } from './helpers/https-client';
import { enrollStation } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
const logLines: string[] = [];
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  server = await startTestServer({ logLevel: 'info', logStream });
});
afterAll(async () => {
  await server.close();
});

function get(path: string) {
  return httpsRequest(server.url, { method: 'GET', path, caPem: server.caPem });
}

describe('operations routes', () => {
  it('reports health with a database round trip', async () => {
    expect((await get('/health')).json).toEqual({ status: 'ok', database: server.db.kind });
  });

  it('publishes an OpenAPI 3.1 document that lists exactly the registered routes', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    const document = response.json as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    const registered = server.routes.map((route) => {
      const [method, path] = route.split(' ');
      return `${method} ${toOpenApiPath(path ?? '')}`;
    });
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
    expect(API_OPERATIONS.length).toBe(documented.length);
    expect(document.components.schemas).toHaveProperty('IngestBatch');
    expect(JSON.stringify(document)).not.toContain('__schema');
  });

  it('exposes Prometheus metrics for ingest, lag, devices by state and certificates', async () => {
    const station = await enrollStation(server, 'metrics-st');
    const chain = new EventChainBuilder('metrics-st', Date.now() - 5_000);
    chain.append({ deviceId: 'm-1', type: 'device.discovered' });
    chain.append({ deviceId: 'm-1', type: 'firmware.flashed' });
    chain.append({ deviceId: 'm-2', type: 'device.discovered' });
    await station.sendBatch(chain.events);
    await station.sendBatch(chain.events);
    await station.sendBatch([{ ...chain.events[0], hash: '0'.repeat(64) }]);
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.text;
    expect(text).toContain('fleet_events_ingested_total{station="metrics-st"} 3');
    expect(text).toContain('fleet_events_duplicate_total{station="metrics-st"} 3');
    expect(text).toContain('fleet_batches_rejected_total{code="SYNC_CHAIN_INVALID"} 1');
    const lag = /fleet_ingest_lag_seconds\{station="metrics-st"\} ([\d.]+)/.exec(text);
    expect(Number(lag?.[1])).toBeGreaterThan(1);
    expect(text).toContain('fleet_devices{state="provisioned"} 1');
    expect(text).toContain('fleet_devices{state="new"} 1');
    expect(text).toContain('fleet_devices{state="retired"} 0');
    expect(text).toContain('fleet_certificates_issued_total{kind="station",source="enrollment"} 1');
    expect(text).toContain('# TYPE fleet_certificates_revoked_total counter');
  });

  it('writes structured JSON logs without secrets', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.some((entry) => entry['msg'] === 'batch stored' && entry['stationId'] === 'metrics-st')).toBe(true);
    expect(entries.every((entry) => typeof entry['level'] === 'number' && typeof entry['time'] === 'number')).toBe(true);
    expect(logLines.join('\n')).not.toContain('flbt_');
  });
});
