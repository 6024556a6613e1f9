import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleArchive } from '../../core/firmware/archive/tar-writer';
import { buildDfuFile } from '../../core/drivers/dfu/dfu-suffix';
import { buildUf2File } from '../../core/drivers/uf2/uf2-file-builder';
import { buildMcubootImage } from '../../core/firmware';
import { makeTempDir } from '../../test-support/temp-dir';
import { EXIT } from './exit-codes';
import { runCli } from './run-cli';

const devKey = (name: string): string => new URL(`../../../resources/dev-keys/${name}`, import.meta.url).pathname;
const temp = makeTempDir();
const at = (name: string): string => join(temp.path, name);
afterAll(() => temp.remove());

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await runCli(['--data-dir', temp.path, ...args], { stdout, stderr }, new AbortController().signal);
  return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}
const json = (text: string): unknown => JSON.parse(text.trim().split('\n')[0] ?? 'null');

beforeAll(() => {
  const body = new Uint8Array(20_000).map((_, index) => (index * 7) & 0xff);
  const imageKey = createPrivateKey(readFileSync(devKey('dev-image-p256.private.pem')));
  writeFileSync(at('zephyr.signed.bin'), buildMcubootImage({ body, version: { major: 1, minor: 2, revision: 0, build: 0 }, securityCounter: 2, signingKey: imageKey }));
  writeFileSync(at('app.uf2'), buildUf2File(body, { baseAddress: 0x1000_0000, familyId: 0xe48bff56 }));
  writeFileSync(at('app.dfu'), buildDfuFile(body, { vendorId: 0x0483, productId: 0xdf11, bcdDevice: 0xffff }));
  writeFileSync(
    at('release.yaml'),
    [
      'product: fieldline-lab-nrf52840',
      'hardware: [{ id: fieldline-lab-nrf52840, revisions: [A] }]',
      'version: 1.2.0',
      'securityCounter: 2',
      'channel: stable',
      'issuedAt: 2025-06-01T00:00:00Z',
      'validDays: 365',
      'images:',
      '  - { path: zephyr.signed.bin, file: images/app.bin, protocol: mcuboot, slot: 1 }',
    ].join('\n'),
  );
});

describe('fieldline bundle …', () => {
  it('creates, inspects, signs and verifies a bundle with the development keys', async () => {
    expect((await cli('bundle', 'create', '--release', at('release.yaml'), '--out', at('app.fwb'))).code).toBe(EXIT.ok);
    expect((await cli('bundle', 'inspect', at('app.fwb'))).stdout).toMatch(/fieldline-lab-nrf52840 1\.2\.0 \(UNVERIFIED[\s\S]*no signatures/);
    const unsigned = await cli('--json', 'bundle', 'verify', '--now', '2025-07-01T00:00:00Z', at('app.fwb'));
    expect(unsigned.code).toBe(EXIT.failed);
    expect(json(unsigned.stderr)).toMatchObject({ error: { code: 'BUNDLE_SIGNATURE_MISSING', message: expect.stringMatching(/^signature: /) as unknown, action: expect.any(String) as unknown } });

    expect((await cli('bundle', 'sign', '--key', devKey('dev-release-ed25519.private.pem'), at('app.fwb'))).code).toBe(EXIT.ok);
    const verified = await cli('bundle', 'verify', '--now', '2025-07-01T00:00:00Z', at('app.fwb'));
    expect(verified).toMatchObject({ code: EXIT.ok, stdout: expect.stringMatching(/bundle OK: fieldline-lab-nrf52840 1\.2\.0[\s\S]*DEVELOPMENT KEY[\s\S]*signed by dev-image-p256/) as unknown });

    const device = ['--hardware-id', 'fieldline-lab-nrf52840', '--hardware-revision', 'A', '--security-counter', '1', '--slot-size', '1=0x80000'];
    const fits = await cli('--json', 'bundle', 'verify', '--now', '2025-07-01T00:00:00Z', ...device, at('app.fwb'));
    expect(json(fits.stdout)).toMatchObject({ ok: true, deviceChecked: true, signedBy: [{ name: 'dev-release-ed25519', isDevelopment: true }], images: [{ file: 'images/app.bin', facts: { format: 'mcuboot', version: '1.2.0' } }] });
    const rollback = await cli('--json', 'bundle', 'verify', '--now', '2025-07-01T00:00:00Z', ...device, '--ledger-security-counter', '3', at('app.fwb'));
    expect(json(rollback.stderr)).toMatchObject({ error: { code: 'BUNDLE_ROLLBACK' } });
    const expired = await cli('bundle', 'verify', '--now', '2030-01-01T00:00:00Z', at('app.fwb'));
    expect(expired).toMatchObject({ code: EXIT.failed, stderr: expect.stringContaining('error BUNDLE_EXPIRED') as unknown });
  });

  it('signs into another file with a P-256 key and refuses hostile bundles by code', async () => {
    await cli('bundle', 'create', '--release', at('release.yaml'), '--out', at('p256.fwb'));
    expect((await cli('bundle', 'sign', '--key', devKey('dev-release-p256.private.pem'), '--out', at('p256-signed.fwb'), at('p256.fwb'))).code).toBe(EXIT.ok);
    expect((await cli('bundle', 'verify', '--now', '2025-07-01T00:00:00Z', at('p256-signed.fwb'))).code).toBe(EXIT.ok);
    writeFileSync(at('evil.fwb'), writeBundleArchive([{ name: '../../etc/cron.d/evil', data: new Uint8Array([1]) }]));
    expect(json((await cli('--json', 'bundle', 'verify', at('evil.fwb'))).stderr)).toMatchObject({ error: { code: 'BUNDLE_UNSAFE_PATH' } });
    expect(json((await cli('--json', 'bundle', 'inspect', at('evil.fwb'))).stderr)).toMatchObject({ error: { code: 'BUNDLE_UNSAFE_PATH' } });
    expect((await cli('bundle', 'sign', '--key', devKey('dev-release-p256.public.pem'), at('p256.fwb'))).code).toBe(EXIT.failed);
    expect((await cli('bundle', 'verify')).code).toBe(EXIT.usage);
  });
});

describe('fieldline image …', () => {
  it('inspects MCUboot, UF2 and DFU files and verifies an MCUboot signature against a key', async () => {
    expect((await cli('image', 'inspect', at('zephyr.signed.bin'))).stdout).toMatch(/MCUboot image 1\.2\.0, security counter 2/);
    expect(json((await cli('--json', 'image', 'inspect', at('app.uf2'))).stdout)).toMatchObject({ format: 'uf2', familyIds: [0xe48bff56], addressStart: 0x1000_0000 });
    expect((await cli('image', 'inspect', at('app.dfu'))).stdout).toMatch(/DFU file, 20000-byte payload, VID 0x483 PID 0xdf11/);
    expect((await cli('image', 'verify', '--key', devKey('dev-image-p256.public.pem'), at('zephyr.signed.bin'))).stdout).toMatch(/signature OK/);
    const wrongKey = await cli('--json', 'image', 'verify', '--key', devKey('dev-image-ed25519.public.pem'), at('zephyr.signed.bin'));
    expect(json(wrongKey.stderr)).toMatchObject({ error: { code: 'IMAGE_KEY_UNKNOWN' } });
    expect(json((await cli('--json', 'image', 'verify', '--key', devKey('dev-image-p256.public.pem'), at('app.uf2'))).stderr)).toMatchObject({ error: { code: 'IMAGE_SIGNATURE_MISSING' } });
    expect(json((await cli('--json', 'image', 'inspect', at('release.yaml'))).stderr)).toMatchObject({ error: { code: 'IMAGE_INVALID' } });
    expect(json((await cli('--json', 'image', 'inspect', at('missing.bin'))).stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('runs as `npx fieldline image verify` from the package bin', async () => {
    const bin = new URL('../../../bin/fieldline.mjs', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--json', 'image', 'verify', '--key', devKey('dev-image-p256.public.pem'), at('zephyr.signed.bin')]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, format: 'mcuboot', version: '1.2.0' });
  });
});
