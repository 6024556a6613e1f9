import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedVariable } from '../config/resolve-variables';
import { secretDigest } from '../config/secret-values';
import type { SettingReading } from '../config/smp-settings';
import { certificateProfileSchema } from '../identity/certificate-profile';
import { generateP256 } from '../identity/test-support/identity-fixtures';
import { x509 } from '../identity/x509';
import type { DeviceState } from './device-state';
import { planProvision, type PlanRecipe } from './plan-provision';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const IMAGE_HASH = 'ab'.repeat(32);

async function certificate(subject: string, notAfterMs: number, notBeforeMs = NOW - DAY): Promise<Uint8Array> {
  const keys = await generateP256();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: subject,
    keys,
    notBefore: new Date(notBeforeMs),
    notAfter: new Date(notAfterMs),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  return new Uint8Array(cert.rawData);
}

function variable(name: string, text: string, isSecret = false): ResolvedVariable {
  return { name, value: text, text, source: 'technician', isSecret };
}

function recipeWith(secret: string): PlanRecipe {
  return {
    deviceId: 'hwid:0a0b',
    hardwareRevision: 'A',
    provenance: { name: 'r', version: '1.0.0', path: '/r.yaml', contentSha256: 'c'.repeat(64), gitCommit: null, isModified: null },
    inputs: { deviceTable: null, siteValues: null },
    bundle: { path: '/b.fwb', bundleSha256: 'd'.repeat(64), product: 'p', version: '2.1.0', imageHash: IMAGE_HASH },
    profile: certificateProfileSchema.parse({ subject: { organization: 'Fieldline' } }),
    variables: new Map([
      ['hostname', variable('hostname', 'gw-0001')],
      ['psk', variable('psk', secret, true)],
    ]),
    settings: new Map([
      ['net/hostname', { text: 'gw-0001', isSecret: false }],
      ['wifi/psk', { text: secret, isSecret: true }],
      ['wifi/line', { text: `psk=${secret};`, isSecret: true }],
    ]),
  };
}

function stateWith(overrides: Partial<DeviceState> & { readings?: Record<string, SettingReading> } = {}): DeviceState {
  const text = (value: string): SettingReading => ({ kind: 'value', bytes: Buffer.from(value) });
  return {
    identity: { hardwareId: '0a0b', serial: 'SN-1', model: 'lab' },
    firmware: { version: '2.0.0', hash: 'cd'.repeat(32) },
    certificateChain: null,
    settings: new Map(Object.entries(overrides.readings ?? { 'net/hostname': text('old-name'), 'wifi/psk': { kind: 'absent' }, 'wifi/line': { kind: 'write-only' } })),
    ...overrides,
  };
}

describe('planProvision', () => {
  let okCertificate: Uint8Array;
  let expiringCertificate: Uint8Array;
  let expiredCertificate: Uint8Array;
  let shortLivedCertificate: Uint8Array;
  let shortLivedNearEnd: Uint8Array;
  let otherSubject: Uint8Array;
  beforeAll(async () => {
    okCertificate = await certificate('O=Fieldline, CN=SN-1', NOW + 200 * DAY);
    expiringCertificate = await certificate('O=Fieldline, CN=SN-1', NOW + 5 * DAY, NOW - 360 * DAY);
    shortLivedCertificate = await certificate('O=Fieldline, CN=SN-1', NOW + 29 * DAY, NOW - DAY);
    shortLivedNearEnd = await certificate('O=Fieldline, CN=SN-1', NOW + 2 * DAY, NOW - 28 * DAY);
    expiredCertificate = await certificate('O=Fieldline, CN=SN-1', NOW - 1);
    otherSubject = await certificate('O=Fieldline, CN=SN-2', NOW + 200 * DAY);
  });

  it('lists what differs: firmware to install, no certificate, each setting', () => {
    const plan = planProvision(recipeWith('secret-1'), stateWith(), NOW);
    expect(plan.firmware).toMatchObject({ action: 'install', summary: 'install 2.1.0 (device runs 2.0.0)' });
    expect(plan.certificate).toMatchObject({ action: 'enroll', status: 'none', expectedSubject: 'O=Fieldline, CN=SN-1' });
    expect(plan.settings.map(({ name, action, status }) => ({ name, action, status }))).toEqual([
      { name: 'net/hostname', action: 'write', status: 'differs' },
      { name: 'wifi/psk', action: 'write', status: 'absent' },
      { name: 'wifi/line', action: 'write', status: 'write-only' },
    ]);
    expect(plan.settings[0]).toMatchObject({ current: 'old-name', desired: 'gw-0001', summary: 'change "old-name" to "gw-0001"' });
    expect(plan.settings[2]!.summary).toBe('will be written (the device cannot read it back)');
    expect(plan.isUpToDate).toBe(false);
  });

  it('says "up to date" everywhere when the device matches, comparing secrets by their salted hash', () => {
    const plan = planProvision(
      recipeWith('secret-1'),
      stateWith({
        firmware: { version: '2.1.0', hash: IMAGE_HASH.toUpperCase() },
        certificateChain: [okCertificate],
        readings: {
          'net/hostname': { kind: 'value', bytes: Buffer.from('gw-0001') },
          'wifi/psk': { kind: 'value', bytes: Buffer.from('secret-1') },
          'wifi/line': { kind: 'value', bytes: Buffer.from('psk=secret-1;') },
        },
      }),
      NOW,
    );
    expect(plan.firmware.summary).toBe('up to date (2.1.0)');
    expect(plan.certificate).toMatchObject({ action: 'none', status: 'ok' });
    expect(plan.settings.every((setting) => setting.action === 'none' && setting.summary === 'up to date')).toBe(true);
    expect(plan.settings[1]).toMatchObject({ desired: null, current: null, desiredDigest: secretDigest('hwid:0a0b', 'secret-1') });
    expect(plan.settings[1]!.currentDigest).toBe(plan.settings[1]!.desiredDigest);
    expect(plan.isUpToDate).toBe(true);
  });

  it('renews an expiring (30 days or a third of its life left) or expired certificate and replaces one for another subject', () => {
    const status = (chain: Uint8Array): string => planProvision(recipeWith('s'), stateWith({ certificateChain: [chain] }), NOW).certificate.status;
    expect(status(expiringCertificate)).toBe('expiring');
    // A 30-day certificate is fine when new, and renewed in its last third.
    expect(status(shortLivedCertificate)).toBe('ok');
    expect(status(shortLivedNearEnd)).toBe('expiring');
    expect(status(expiredCertificate)).toBe('expired');
    expect(status(otherSubject)).toBe('subject-differs');
    expect(status(new Uint8Array([1, 2, 3]))).toBe('unreadable');
  });

  it('salts secret digests with the device id: the same secret on two devices hashes differently', () => {
    expect(secretDigest('hwid:01', 'same')).not.toBe(secretDigest('hwid:02', 'same'));
    expect(secretDigest('hwid:01', 'same')).toBe(secretDigest('hwid:01', Buffer.from('same')));
  });

  it('never puts a secret value in the plan, whatever the secret and whatever the device holds', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 40 }), fc.string({ minLength: 6, maxLength: 40 }), (secret, held) => {
        const planFor = (wanted: string, onDevice: string): string =>
          JSON.stringify(
            planProvision(
              recipeWith(wanted),
              stateWith({
                readings: {
                  'net/hostname': { kind: 'value', bytes: Buffer.from('old-name') },
                  'wifi/psk': { kind: 'value', bytes: Buffer.from(onDevice) },
                  'wifi/line': { kind: 'value', bytes: Buffer.from(`psk=${onDevice};`) },
                },
              }),
              NOW,
            ),
          );
        const escaped = (text: string): string => JSON.stringify(text).slice(1, -1);
        // A string the plan's own words already contain ("up to date", a digest…) proves nothing.
        const baseline = planFor('~~~~~~', '^^^^^^');
        fc.pre(!baseline.includes(escaped(secret)) && !baseline.includes(escaped(held)));
        const json = planFor(secret, held);
        expect(json).not.toContain(escaped(secret));
        expect(json).not.toContain(escaped(held));
      }),
      { numRuns: 300 },
    );
  });
});
