// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RecordedCertificate } from '../../../../shared/contract';
import { FakeBridge } from '../../../test/fake-bridge';
import { makeLedgerRow } from '../../../test/fixtures';
import { renderView } from '../../../test/render-view';
import { certificateValidity, describeValidity } from './certificate-validity';
import { DeviceCertificateSection } from './DeviceCertificateSection';
import { DeviceConfigurationSection } from './DeviceConfigurationSection';

const DAY_MS = 24 * 60 * 60 * 1000;

function recorded(overrides: Partial<RecordedCertificate> = {}): RecordedCertificate {
  return {
    subject: 'CN=SN-0001, O=Fieldline',
    certificateSerial: '7a3f01',
    fingerprintSha256: 'fa'.repeat(32),
    notBefore: new Date(Date.now() - DAY_MS).toISOString(),
    notAfter: new Date(Date.now() + 12.5 * DAY_MS).toISOString(),
    issuer: 'CN=Fieldline Offline CA',
    issuerDescription: 'offline CA (PKCS#11 token fieldline)',
    source: 'offline-ca',
    mode: 'initial',
    chainPem: '-----BEGIN CERTIFICATE-----',
    recordedAt: new Date().toISOString(),
    eventId: 'ev-2',
    ...overrides,
  };
}

describe('DeviceCertificateSection', () => {
  it('shows the recorded certificate, warns that it expires soon, and lists the previous ones', async () => {
    const bridge = new FakeBridge({
      'identity:certificate': () => ({
        deviceId: 'hw-0001',
        certificate: recorded(),
        history: [recorded({ certificateSerial: '11aa', eventId: 'ev-1', source: 'est', notAfter: new Date(Date.now() - DAY_MS).toISOString() })],
      }),
    });
    renderView(<DeviceCertificateSection deviceId="hw-0001" />, bridge);
    const section = await screen.findByRole('region', { name: 'Certificate' });
    const fields = await within(section).findByRole('table', { name: 'Device certificate' });
    expect(within(fields).getByText('CN=SN-0001, O=Fieldline')).toBeTruthy();
    expect(within(fields).getByText('CN=Fieldline Offline CA')).toBeTruthy();
    expect(within(fields).getByText('7a3f01')).toBeTruthy();
    expect(within(fields).getByRole('button', { name: 'Copy fingerprint' })).toBeTruthy();
    const validity = within(fields).getByText('expires in 12 days');
    expect(validity.closest('[data-validity]')?.getAttribute('data-validity')).toBe('expiring');
    expect(within(fields).getByText(/Offline CA · offline CA \(PKCS#11 token fieldline\) · initial/)).toBeTruthy();
    expect(within(section).getByText('1 previous certificate')).toBeTruthy();
    expect(within(section).getByText('11aa')).toBeTruthy();
    expect(bridge.callsOf('identity:certificate')[0]?.input).toEqual({ deviceId: 'hw-0001' });
  });

  it('says how to get a certificate when none was enrolled', async () => {
    renderView(<DeviceCertificateSection deviceId="hw-0001" />, new FakeBridge({ 'identity:certificate': () => ({ deviceId: 'hw-0001', certificate: null, history: [] }) }));
    expect(await screen.findByText('No certificate enrolled here')).toBeTruthy();
  });

  it('reads validity in whole days', () => {
    const now = Date.UTC(2026, 0, 10);
    expect(describeValidity(certificateValidity('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', now))).toBe('expires in 50 days');
    expect(certificateValidity('2026-01-01T00:00:00Z', '2026-01-20T00:00:00Z', now).state).toBe('expiring');
    expect(describeValidity(certificateValidity('2025-01-01T00:00:00Z', '2026-01-08T00:00:00Z', now))).toBe('expired 2 days ago');
    expect(certificateValidity('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', now).state).toBe('not-yet-valid');
  });
});

describe('DeviceConfigurationSection', () => {
  it('shows the last applied recipe and its settings, secrets only as their hash', () => {
    const older = makeLedgerRow(3, {
      type: 'config.applied',
      payload: { recipe: { name: 'lab-sensor', version: '0.9.0', path: '/r/recipe.yaml', contentSha256: '00'.repeat(32), gitCommit: null, isModified: null }, settings: [] },
    });
    const newest = makeLedgerRow(7, {
      type: 'config.applied',
      payload: {
        recipe: { name: 'lab-sensor', version: '1.0.0', path: '/r/recipe.yaml', contentSha256: 'ab'.repeat(32), gitCommit: '0123456789abcdef', isModified: false },
        firmware: { version: '2.1.0' },
        certificateFingerprintSha256: 'fa'.repeat(32),
        settings: [
          { name: 'net/hostname', isSecret: false, value: 'lab-sensor-0001' },
          { name: 'wifi/psk', isSecret: true, digest: `sha256:${'d1'.repeat(32)}` },
        ],
        unverifiedSettings: [],
      },
    });
    renderView(<DeviceConfigurationSection events={[newest, makeLedgerRow(5), older]} />, new FakeBridge());
    const section = screen.getByRole('region', { name: 'Configuration' });
    expect(within(section).getByText('lab-sensor 1.0.0')).toBeTruthy();
    expect(within(section).getByText(/git commit 0123456789ab/)).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Copy recipe hash' })).toBeTruthy();
    const rows = within(section).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-setting'))).toEqual(['net/hostname', 'wifi/psk']);
    expect(within(rows[0]!).getByText('lab-sensor-0001')).toBeTruthy();
    expect(within(rows[1]!).getByText(/secret \(hash/)).toBeTruthy();
    expect(within(rows[1]!).getByText('sha256:d1d1d1d1d1d1…')).toBeTruthy();
  });

  it('says how to configure a device no recipe was applied to', () => {
    renderView(<DeviceConfigurationSection events={[makeLedgerRow(1)]} />, new FakeBridge());
    expect(screen.getByText('No recipe applied here yet')).toBeTruthy();
  });
});
