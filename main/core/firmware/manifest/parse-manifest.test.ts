import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_LIMITS } from '../firmware-limits';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { parseManifest } from './parse-manifest';

const image = { file: 'images/app.bin', sizeBytes: 1000, sha256: 'a'.repeat(64), protocol: 'mcuboot', slot: 1 };
const manifest = {
  schemaVersion: 1,
  product: 'acme-sensor',
  hardware: [{ id: 'acme-sensor-nrf52840', revisions: ['A', 'B'] }],
  version: '1.4.0',
  securityCounter: 5,
  channel: 'stable',
  issuedAt: '2025-05-01T00:00:00Z',
  expiresAt: '2026-05-01T00:00:00Z',
  images: [image],
};
const encode = (value: unknown): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
const withFields = (fields: Record<string, unknown>): Uint8Array => encode({ ...manifest, ...fields });

describe('release manifest', () => {
  it('parses a valid manifest', () => {
    expect(parseManifest(encode(manifest))).toEqual(manifest);
  });

  it.each([
    ['schemaVersion', { schemaVersion: 2 }],
    ['product', { product: '' }],
    ['hardware', { hardware: [] }],
    ['version', { version: 'one' }],
    ['securityCounter', { securityCounter: -1 }],
    ['securityCounter', { securityCounter: 1.5 }],
    ['securityCounter', { securityCounter: 2 ** 32 }],
    ['channel', { channel: 'Stable!' }],
    ['expiresAt', { expiresAt: 'tomorrow' }],
    ['expiresAt', { expiresAt: '2025-04-01T00:00:00Z' }],
    ['images', { images: [] }],
    ['images', { images: [image, image] }],
    ['images.0.sha256', { images: [{ ...image, sha256: 'xyz' }] }],
    ['images.0', { images: [{ ...image, protocol: 'uf2' }] }],
    ['images.0', { images: [{ ...image, address: 0 }] }],
    ['__proto__', JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>],
    ['unknownField', { unknownField: 1 }],
  ])('names the wrong field (%s)', (field, fields) => {
    const error = refusalOf(() => parseManifest(withFields(fields)));
    expect(error.code).toBe('BUNDLE_MANIFEST_INVALID');
    expect(error.message).toContain(field);
  });

  it('refuses unsafe image paths with their own code', () => {
    expect(codeOf(() => parseManifest(withFields({ images: [{ ...image, file: '../../etc/passwd' }] })))).toBe('BUNDLE_UNSAFE_PATH');
    expect(codeOf(() => parseManifest(withFields({ images: [{ ...image, file: 'manifest.dsse.json' }] })))).toBe('BUNDLE_MANIFEST_INVALID');
  });

  it('refuses oversized and deeply nested manifests before parsing them', () => {
    expect(codeOf(() => parseManifest(new Uint8Array(FIRMWARE_LIMITS.manifestBytes + 1).fill(0x20)))).toBe('BUNDLE_MANIFEST_TOO_LARGE');
    expect(codeOf(() => parseManifest(withFields({ note: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown })))).toBe('BUNDLE_MANIFEST_TOO_LARGE');
  });

  it('property: arbitrary bytes and arbitrary JSON give a typed refusal, never a crash or a hang', () => {
    const anything = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      fc.json({ maxDepth: 30 }).map((json) => new Uint8Array(Buffer.from(json))),
      fc.record({ ...Object.fromEntries(Object.keys(manifest).map((key) => [key, fc.anything()])) }).map(encode),
    );
    fc.assert(
      fc.property(anything, (bytes) => {
        try {
          parseManifest(bytes);
        } catch (error: unknown) {
          expect(refusalOf(() => { throw error; }).code).toMatch(/^BUNDLE_(MANIFEST_INVALID|MANIFEST_TOO_LARGE|UNSAFE_PATH)$/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
