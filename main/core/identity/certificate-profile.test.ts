import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { parseCertificateProfile, renderSubject } from './certificate-profile';

const device = { hardwareId: '00c0ffee', serialNumber: 'FL-0042', model: 'lab-sensor' };

describe('certificate profile', () => {
  it('defaults to a P-256 key, CN = serial, no CSR extensions, 90-day offline certificates', () => {
    expect(parseCertificateProfile({})).toEqual({
      subject: { commonName: '{serial}' },
      keyAlgorithm: 'p256',
      csrExtensions: [],
      issuedSubject: 'common-name',
      offlineValidityDays: 90,
      trustedRootSha256: [],
    });
  });

  it('renders the subject in DER order (country, organization, unit, common name) from the device identity', () => {
    const profile = parseCertificateProfile({
      subject: {
        commonName: '{model}-{serial}-{hwid}',
        organization: 'Fieldline',
        organizationalUnit: 'line-3',
        country: 'DE',
      },
    });
    expect(renderSubject(profile, device)).toBe(
      'C=DE, O=Fieldline, OU=line-3, CN=lab-sensor-FL-0042-00c0ffee',
    );
  });

  it('refuses unknown fields, unknown algorithms and DN specials, naming the field', () => {
    expect(() => parseCertificateProfile({ keyAlgorithm: 'rsa1024' })).toThrow(/keyAlgorithm/);
    expect(() => parseCertificateProfile({ subject: { organization: 'Evil, CN=root' } })).toThrow(
      /subject.organization/,
    );
    expect(() => parseCertificateProfile({ serverKeygen: true })).toThrow(AppError);
    expect(() => parseCertificateProfile({ csrExtensions: ['basicConstraints'] })).toThrow(/csrExtensions/);
  });

  it('refuses a device value that would smuggle another RDN into the subject', () => {
    const profile = parseCertificateProfile({});
    expect(() => renderSubject(profile, { ...device, serialNumber: 'x, CN=admin' })).toThrow(
      /cannot go into a certificate subject/,
    );
  });
});
