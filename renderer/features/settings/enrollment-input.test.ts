// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  checkCaPem,
  checkServerUrl,
  checkToken,
  toEnrollInput,
  validateEnrollment,
} from './enrollment-input';
import { readCertificateFile } from './read-certificate-file';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIU\n-----END CERTIFICATE-----';

describe('enrollment input', () => {
  it('accepts an https address with a host, and nothing else', () => {
    expect(checkServerUrl('https://fleet.example.test:8443')).toBeNull();
    expect(checkServerUrl('')).toMatch(/Enter the fleet server’s address/);
    expect(checkServerUrl('fleet.example.test')).toMatch(/not a web address/);
    expect(checkServerUrl('http://fleet.example.test')).toMatch(/https:\/\//);
  });

  it('wants a token of a real token’s length', () => {
    expect(checkToken('')).toMatch(/Enter the bootstrap token/);
    expect(checkToken('123456789')).toMatch(/shorter/);
    expect(checkToken('x'.repeat(201))).toMatch(/longer/);
    expect(checkToken('x'.repeat(10))).toBeNull();
  });

  it('wants a PEM certificate, and refuses a private key by name', () => {
    expect(checkCaPem(PEM)).toBeNull();
    expect(checkCaPem('')).toMatch(/Paste the fleet CA certificate/);
    expect(checkCaPem('MIIBfTCCASOgAwIBAgIU')).toMatch(/does not look like a PEM certificate/);
    expect(checkCaPem('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----')).toMatch(
      /private key, not a certificate/,
    );
    expect(checkCaPem(`${PEM}\n${'A'.repeat(64 * 1024)}`)).toMatch(/64 KiB/);
  });

  it('reports every wrong field at once, and trims what it sends', () => {
    expect(Object.keys(validateEnrollment({ serverUrl: '', token: '', caPem: '' }))).toEqual([
      'serverUrl',
      'token',
      'caPem',
    ]);
    const values = {
      serverUrl: ' https://fleet.example.test ',
      token: ' 0123456789 ',
      caPem: `\n${PEM}\n\n`,
    };
    expect(validateEnrollment(values)).toEqual({});
    expect(toEnrollInput(values)).toEqual({
      serverUrl: 'https://fleet.example.test',
      token: '0123456789',
      caPem: `${PEM}\n`,
    });
  });
});

describe('readCertificateFile', () => {
  it('reads a PEM file as text', async () => {
    const result = await readCertificateFile(new File([PEM], 'ca.pem'));
    expect(result).toEqual({ ok: true, text: PEM });
  });

  it('wraps a binary DER certificate as PEM', async () => {
    const der = new Uint8Array([0x30, 0x82, 0x01, 0x7d, ...Array.from({ length: 60 }, (_, index) => index)]);
    const result = await readCertificateFile(new File([der], 'ca.crt'));
    if (!result.ok) throw new Error(result.problem);
    const lines = result.text.trim().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines.slice(1, -1).every((line) => line.length <= 64)).toBe(true);
    expect(atob(lines.slice(1, -1).join(''))).toBe(String.fromCharCode(...der));
    expect(checkCaPem(result.text)).toBeNull();
  });

  it('refuses a file far larger than a CA certificate without reading it', async () => {
    const result = await readCertificateFile(new File([new Uint8Array(65 * 1024)], 'backup.tar'));
    expect(result).toEqual({
      ok: false,
      problem: 'backup.tar is larger than a CA certificate (64 KiB at most)',
    });
  });
});
