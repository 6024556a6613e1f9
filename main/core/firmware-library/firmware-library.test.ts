import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  firmwareImport,
  FIRMWARE_UPLOAD_MAX_BYTES,
  type CommandOutput,
  type EventName,
} from '../../../shared/contract';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { createCore, type Core } from '../create-core';
import { FIRMWARE_LIMITS } from '../firmware';
import {
  mcubootSource,
  signedBundle,
  TEST_HARDWARE_ID,
  TEST_NOW,
  testMcubootImage,
  testRelease,
} from '../firmware/test-support/bundle-fixture';
import { createTestKeyring, type TestKeyring } from '../firmware/test-support/test-keyring';
import { silentLogger } from '../ports/logger';

let keyring: TestKeyring;
let goodBundle: Uint8Array;
let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let core: Core;
let clock: ManualClock;
let emitted: { name: EventName; payload: unknown }[];

beforeAll(() => {
  keyring = createTestKeyring();
  goodBundle = signedBundle(
    testRelease(),
    [mcubootSource(testMcubootImage(keyring.imageEd25519))],
    [keyring.releaseEd25519],
  );
});

beforeEach(() => {
  dir = makeTempDir('fieldline-firmware-library-');
  store = SqliteLedgerStore.open(join(dir.path, 'ledger.db'));
  clock = new ManualClock(TEST_NOW.getTime());
  core = createCore(
    { ledgerStore: store, clock, logger: silentLogger, firmwareTrustStore: () => keyring.trustStore },
    { host: 'station', version: 't', dataDir: dir.path, platform: 'test' },
  );
  emitted = [];
  core.events.onEvent((name, payload) => emitted.push({ name, payload }));
});

afterEach(() => {
  store.close();
  dir.remove();
});

function writeBundle(name: string, bytes: Uint8Array): string {
  const path = join(dir.path, name);
  writeFileSync(path, bytes);
  return path;
}

async function importPath(path: string): Promise<CommandOutput<'firmware:import'>> {
  return core.handlers['firmware:import']({ path });
}

async function upload(fileName: string, contentBase64: string): Promise<CommandOutput<'firmware:import'>> {
  return core.handlers['firmware:import']({ fileName, contentBase64 });
}

async function get(bundleId: string): Promise<CommandOutput<'firmware:get'>> {
  return core.handlers['firmware:get']({ bundleId });
}

async function list(deviceId?: string): Promise<CommandOutput<'firmware:list'>> {
  return core.handlers['firmware:list'](deviceId === undefined ? undefined : { deviceId });
}

function imported(result: CommandOutput<'firmware:import'>) {
  if (result.outcome !== 'imported')
    throw new Error(`expected an import, got a refusal: ${result.refusal.message}`);
  return result;
}

const libraryFiles = (): string[] =>
  existsSync(join(dir.path, 'firmware')) ? readdirSync(join(dir.path, 'firmware')).sort() : [];
const importEvents = () =>
  core.ledger.listEvents({ limit: 100 }).filter((event) => event.type === 'firmware.bundle-imported');

describe('firmware library: import', () => {
  it('verifies a good bundle, stores it under its SHA-256, records the import once and announces it', async () => {
    const sha = createHash('sha256').update(goodBundle).digest('hex');
    const result = imported(await importPath(writeBundle('release-1.4.0.fwb', goodBundle)));
    expect(result.isAlreadyInLibrary).toBe(false);
    expect(result.bundle).toMatchObject({
      bundleId: sha,
      fileName: 'release-1.4.0.fwb',
      product: 'acme-sensor',
      version: '1.4.0',
      channel: 'stable',
      securityCounter: 5,
      expiresAt: '2026-05-01T00:00:00Z',
      isDevelopmentSigned: true,
      signedBy: [{ name: 'release-ed25519', isDevelopment: true }],
      verification: { status: 'passed', checkedAt: TEST_NOW.toISOString() },
      images: [{ file: 'images/app.bin', protocol: 'mcuboot', slot: 1, address: null }],
    });
    // Content-addressed, complete, and no temporary file left behind.
    expect(libraryFiles()).toEqual([`${sha}.fwb`, `${sha}.json`]);
    expect(new Uint8Array(readFileSync(result.bundle.path))).toEqual(goodBundle);
    const events = importEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      deviceId: null,
      actor: 'station',
      payload: { bundleSha256: sha, product: 'acme-sensor', version: '1.4.0', signedBy: ['release-ed25519'] },
    });
    expect(emitted).toContainEqual({ name: 'firmware:changed', payload: { bundleId: sha } });

    const again = imported(await importPath(writeBundle('copy.fwb', goodBundle)));
    expect(again.isAlreadyInLibrary).toBe(true);
    expect(importEvents()).toHaveLength(1);
  });

  it('keeps a refused bundle out of the library and names the failed check', async () => {
    const unknownSigner = signedBundle(
      testRelease(),
      [mcubootSource(testMcubootImage(keyring.imageEd25519))],
      [keyring.releaseUnknown],
    );
    const result = await importPath(writeBundle('unknown.fwb', unknownSigner));
    expect(result).toMatchObject({
      outcome: 'refused',
      fileName: 'unknown.fwb',
      sizeBytes: unknownSigner.length,
      refusal: { code: 'BUNDLE_KEY_UNKNOWN' },
    });

    const tampered = goodBundle.slice();
    const at = tampered.length - 2048;
    tampered[at] = (tampered[at] ?? 0) ^ 0xff; // inside the image data: the image's SHA-256 no longer matches the manifest
    const hashResult = await importPath(writeBundle('tampered.fwb', tampered));
    expect(hashResult).toMatchObject({
      outcome: 'refused',
      refusal: { code: 'BUNDLE_HASH_MISMATCH', check: 'image hash' },
    });
    if (hashResult.outcome === 'refused') expect(hashResult.refusal.message).toMatch(/^image hash: /);

    clock.set(Date.parse('2026-06-01T00:00:00Z'));
    expect(await importPath(writeBundle('late.fwb', goodBundle))).toMatchObject({
      outcome: 'refused',
      refusal: { code: 'BUNDLE_EXPIRED', check: 'expiry' },
    });

    expect(libraryFiles()).toEqual([]);
    expect(importEvents()).toEqual([]);
    expect(await list()).toEqual({ bundles: [] });
  });

  it('imports an upload (base64) and refuses one over the upload limit by name, before decoding it', async () => {
    const result = imported(await upload('C:\\builds\\up.fwb', Buffer.from(goodBundle).toString('base64')));
    expect(result.bundle.fileName).toBe('up.fwb');

    const oversized = 'A'.repeat(Math.ceil((FIRMWARE_UPLOAD_MAX_BYTES + 3) / 3) * 4);
    await expect(upload('big.fwb', oversized)).rejects.toMatchObject({ code: 'FIRMWARE_UPLOAD_TOO_LARGE' });
    await expect(upload('x.fwb', 'not base64!')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('sizes the upload limit so a full upload fits one station message and stays under the bundle limit', () => {
    // The station's WebSocket takes at most 1 MiB per message (main/host/contract-session.ts).
    const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
    const largest = {
      type: 'invoke',
      id: 'x'.repeat(64),
      name: firmwareImport.name,
      input: {
        fileName: 'f'.repeat(255),
        contentBase64: 'A'.repeat(Math.ceil(FIRMWARE_UPLOAD_MAX_BYTES / 3) * 4),
      },
    };
    expect(JSON.stringify(largest).length).toBeLessThanOrEqual(MAX_CLIENT_MESSAGE_BYTES);
    expect(FIRMWARE_UPLOAD_MAX_BYTES).toBeLessThanOrEqual(FIRMWARE_LIMITS.bundleBytes);
  });

  it('takes a path or an upload through the contract, never both and nothing else', () => {
    const input = firmwareImport.input;
    expect(input.safeParse({ path: '/srv/a.fwb' }).success).toBe(true);
    expect(input.safeParse({ fileName: 'a.fwb', contentBase64: 'AQID' }).success).toBe(true);
    expect(input.safeParse({ path: '/srv/a.fwb', contentBase64: 'AQID' }).success).toBe(false);
    expect(input.safeParse({ fileName: 'a.fwb' }).success).toBe(false);
    expect(input.safeParse({ path: '' }).success).toBe(false);
  });

  it('refuses a missing path and a folder with typed errors naming the path', async () => {
    await expect(importPath(join(dir.path, 'nope.fwb'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('nope.fwb') as unknown,
    });
    await expect(importPath(dir.path)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not a regular file') as unknown,
    });
  });
});

describe('firmware library: which devices a bundle fits', () => {
  function seeDevice(hardwareId: string, model: string, serial: string): string {
    return core.registry.report({
      transport: 'serial',
      address: `/dev/tty-${serial}`,
      identifiers: { hardwareId, serial },
      model,
    })!;
  }

  it('fits known devices of its hardware id, and not one whose ledger counter is higher (rollback)', async () => {
    const fitting = seeDevice('a1', TEST_HARDWARE_ID, 'SN-FIT');
    const other = seeDevice('b2', 'acme-gateway', 'SN-OTHER');
    const rolledForward = seeDevice('c3', TEST_HARDWARE_ID, 'SN-NEWER');
    core.append({
      actor: 'test',
      deviceId: rolledForward,
      type: 'firmware.flashed',
      payload: { securityCounter: 9, firmwareVersion: '2.0.0' },
    });
    const { bundle } = imported(await importPath(writeBundle('r.fwb', goodBundle)));

    const detail = await get(bundle.bundleId);
    expect(detail.bundle.verification.status).toBe('passed');
    expect(detail.fittingDevices.map((fit) => fit.deviceId)).toEqual([fitting]);
    expect(detail.fittingDevices[0]).toMatchObject({
      serial: 'SN-FIT',
      isConnected: true,
      fits: true,
      refusal: null,
      assumedRevision: 'A',
    });
    expect(detail.unfitDevices).toEqual([
      expect.objectContaining({
        deviceId: rolledForward,
        fits: false,
        refusal: expect.objectContaining({ code: 'BUNDLE_ROLLBACK', check: 'security counter' }) as unknown,
      }),
    ]);
    expect(detail.unfitDevices.map((fit) => fit.deviceId)).not.toContain(other);

    const listed = (await list(fitting)).bundles;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ fittingDeviceCount: 1, fit: { deviceId: fitting, fits: true } });
    expect((await list(other)).bundles[0]?.fit).toMatchObject({
      fits: false,
      refusal: { code: 'BUNDLE_WRONG_HARDWARE', check: 'hardware id' },
    });
  });

  it('verifies again on get: an expired bundle fits nothing and says why', async () => {
    seeDevice('a1', TEST_HARDWARE_ID, 'SN-FIT');
    const { bundle } = imported(await importPath(writeBundle('r.fwb', goodBundle)));
    clock.set(Date.parse('2026-05-02T00:00:00Z'));
    const detail = await get(bundle.bundleId);
    expect(detail.bundle.verification).toMatchObject({
      status: 'refused',
      refusal: { code: 'BUNDLE_EXPIRED', check: 'expiry' },
    });
    expect(detail.fittingDevices).toEqual([]);
    expect(detail.unfitDevices[0]?.refusal?.code).toBe('BUNDLE_EXPIRED');
  });

  it('answers NOT_FOUND for a bundle it does not hold, and skips a damaged record', async () => {
    await expect(get('f'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { bundle } = imported(await importPath(writeBundle('r.fwb', goodBundle)));
    writeFileSync(join(dir.path, 'firmware', `${bundle.bundleId}.json`), '{"not":"a record"}');
    expect((await list()).bundles).toEqual([]);
  });
});
