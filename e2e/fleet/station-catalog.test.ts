import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogDocumentSchema } from '../../shared/contract/catalog';
import { putCatalogItem } from '../../fleet-server/src/catalog/catalog-store';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { runCli } from '../../main/host/cli/run-cli';
import { makeTempDir } from '../../main/test-support/temp-dir';

let server: TestServer;
let station: ReturnType<typeof makeTempDir>;

beforeEach(async () => {
  server = await startTestServer();
  station = makeTempDir('fieldline-station-');
});
afterEach(async () => {
  await server.close();
  station.remove();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await runCli(['--data-dir', station.path, '--json', ...args], { stdout, stderr: new PassThrough() }, new AbortController().signal);
  return { code, stdout: out };
}

const cachePath = (): string => join(station.path, 'fleet', 'catalog.json');
const readCache = (): { etag: string; checkedAt: string; catalog: unknown } =>
  JSON.parse(readFileSync(cachePath(), 'utf8')) as { etag: string; checkedAt: string; catalog: unknown };

describe('the station keeps the fleet catalog for offline work', () => {
  it('caches it on sync, revalidates it with its ETag, and takes changes whole', async () => {
    const caFile = join(station.path, 'fleet-ca.pem');
    writeFileSync(caFile, server.caPem);
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
    expect((await cli('sync', 'enroll', '--server', server.url, '--token', token, '--ca', caFile)).code).toBe(0);

    const first = readCache();
    const catalog = catalogDocumentSchema.parse(first.catalog);
    expect(catalog.trustAnchors.map((anchor) => anchor.name)).toEqual(expect.arrayContaining(['fleet-ca', 'device-ca']));
    expect(first.etag).toMatch(/^"[0-9a-f]{64}"$/);

    // Unchanged on the server: a 304, the same copy, a newer check time.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await cli('sync')).code).toBe(0);
    const second = readCache();
    expect(second.etag).toBe(first.etag);
    expect(second.catalog).toEqual(first.catalog);
    expect(second.checkedAt > first.checkedAt).toBe(true);

    await putCatalogItem(server.db, 'recipe', 'sensor-site-a', { bundle: 'sensor-1.5.0', settings: { interval: 60 } });
    expect((await cli('sync')).code).toBe(0);
    const third = readCache();
    expect(third.etag).not.toBe(first.etag);
    expect(catalogDocumentSchema.parse(third.catalog).recipes).toEqual([{ name: 'sensor-site-a', recipe: { bundle: 'sensor-1.5.0', settings: { interval: 60 } } }]);

    const printed = await cli('sync', 'catalog');
    expect(JSON.parse(printed.stdout)).toMatchObject({ etag: third.etag });
  });

  it('works from the cached copy when the server is gone, and a damaged copy is fetched again', async () => {
    const caFile = join(station.path, 'fleet-ca.pem');
    writeFileSync(caFile, server.caPem);
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
    await cli('sync', 'enroll', '--server', server.url, '--token', token, '--ca', caFile);
    const before = readCache();

    writeFileSync(cachePath(), '{"etag": 42');
    expect(JSON.parse((await cli('sync', 'catalog')).stdout)).toBeNull();
    await cli('sync');
    expect(readCache().etag).toBe(before.etag);

    await server.app.close();
    const offline = await cli('sync');
    expect(JSON.parse(offline.stdout)).toMatchObject({ state: 'offline' });
    expect(JSON.parse((await cli('sync', 'catalog')).stdout)).toMatchObject({ etag: before.etag });
  });
});
