import { describe, expect, it } from 'vitest';
import { chooseIssuer, readIssuerSettings } from './certificate-issuer-settings';

const PKCS11 = {
  FIELDLINE_OFFLINE_CA_CHAIN: '/etc/fieldline/ca-chain.pem',
  FIELDLINE_OFFLINE_CA_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
  FIELDLINE_OFFLINE_CA_PKCS11_TOKEN: 'fieldline-ca',
  FIELDLINE_OFFLINE_CA_PKCS11_KEY: 'station-ca',
  FIELDLINE_OFFLINE_CA_PKCS11_PIN: '246810',
};

describe('issuer settings from the environment', () => {
  it('uses EST at the enrolled fleet server when nothing else is set', () => {
    const settings = readIssuerSettings({}, { fleetServerUrl: 'https://fleet.example:8443' });
    expect(chooseIssuer(settings)).toEqual({ kind: 'est', url: null, caFile: null, basicAuth: null });
  });

  it('prefers EST when both are configured, and the offline CA when asked for (flag over FIELDLINE_ISSUER)', () => {
    const env = { ...PKCS11, FIELDLINE_ISSUER: 'est' };
    const fleet = { fleetServerUrl: 'https://fleet.example:8443' };
    expect(chooseIssuer(readIssuerSettings(env, fleet)).kind).toBe('est');
    expect(chooseIssuer(readIssuerSettings(env, { ...fleet, choice: 'offline' }))).toMatchObject({
      kind: 'offline',
      chainFile: '/etc/fieldline/ca-chain.pem',
      key: { kind: 'pkcs11', tokenLabel: 'fieldline-ca', keyLabel: 'station-ca', pin: '246810', pinFile: null },
    });
  });

  it('reads another EST server with its CA and basic authentication', () => {
    const settings = readIssuerSettings(
      { FIELDLINE_EST_URL: 'https://est.example/.well-known/est/line3', FIELDLINE_EST_CA: '/etc/est-ca.pem', FIELDLINE_EST_USERNAME: 'line3', FIELDLINE_EST_PASSWORD: 'secret' },
      { fleetServerUrl: null },
    );
    expect(chooseIssuer(settings)).toEqual({
      kind: 'est',
      url: 'https://est.example/.well-known/est/line3',
      caFile: '/etc/est-ca.pem',
      basicAuth: { username: 'line3', password: 'secret' },
    });
  });

  it('says what to set when nothing is configured, or the chosen issuer is not', () => {
    expect(() => chooseIssuer(readIssuerSettings({}, { fleetServerUrl: null }))).toThrow(
      expect.objectContaining({ code: 'ISSUER_NOT_CONFIGURED', message: expect.stringMatching(/FIELDLINE_EST_URL.*FIELDLINE_OFFLINE_CA_CHAIN/) as unknown }),
    );
    expect(() => chooseIssuer(readIssuerSettings({}, { fleetServerUrl: 'https://fleet.example', choice: 'offline' }))).toThrow(/offline CA was asked for/);
    expect(() => chooseIssuer(readIssuerSettings(PKCS11, { fleetServerUrl: null, choice: 'est' }))).toThrow(/not enrolled at a fleet server/);
  });

  it('refuses partial and contradictory settings by name', () => {
    const none = { fleetServerUrl: null };
    expect(() => readIssuerSettings({ ...PKCS11, FIELDLINE_OFFLINE_CA_PKCS11_KEY: '' }, none)).toThrow(/also set FIELDLINE_OFFLINE_CA_PKCS11_KEY/);
    expect(() => readIssuerSettings({ ...PKCS11, FIELDLINE_OFFLINE_CA_PKCS11_PIN: undefined }, none)).toThrow(/also set FIELDLINE_OFFLINE_CA_PKCS11_PIN/);
    expect(() => readIssuerSettings({ FIELDLINE_OFFLINE_CA_SEALED_KEY: '/k' }, none)).toThrow(/FIELDLINE_OFFLINE_CA_CHAIN .* is not/);
    expect(() => readIssuerSettings({ ...PKCS11, FIELDLINE_OFFLINE_CA_SEALED_KEY: '/k' }, none)).toThrow(/not both/);
    expect(() => readIssuerSettings({ FIELDLINE_OFFLINE_CA_CHAIN: '/c.pem' }, none)).toThrow(/not where the CA key is/);
    expect(() => readIssuerSettings({ FIELDLINE_EST_URL: 'http://est.example' }, none)).toThrow(/must be an https:\/\/ URL/);
    expect(() => readIssuerSettings({ FIELDLINE_EST_URL: 'https://est.example' }, none)).toThrow(/needs FIELDLINE_EST_CA/);
    expect(() => readIssuerSettings({ FIELDLINE_EST_USERNAME: 'u' }, { fleetServerUrl: 'https://f' })).toThrow(/both FIELDLINE_EST_USERNAME and FIELDLINE_EST_PASSWORD/);
    expect(() => readIssuerSettings({}, { fleetServerUrl: null, choice: 'ca' })).toThrow(/"est" or "offline", not "ca"/);
  });
});
