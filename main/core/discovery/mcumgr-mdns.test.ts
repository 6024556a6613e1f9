import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MdnsService } from '../ports/mdns-browser';
import { sightingFromMcumgrService } from './mcumgr-mdns';

const service = (overrides: Partial<MdnsService> = {}): MdnsService => ({
  name: 'fieldline-lab-1',
  type: 'mcumgr',
  protocol: 'udp',
  host: 'lab-1.local',
  port: 1337,
  addresses: ['127.0.0.1'],
  refererAddress: null,
  txt: { serial: 'FL-0001', model: 'nrf52840-dk', fw: '1.4.2' },
  ...overrides,
});

describe('sightingFromMcumgrService', () => {
  it('reads serial, model and firmware from TXT', () => {
    expect(sightingFromMcumgrService(service())).toEqual({
      ok: true,
      report: { transport: 'network', address: '127.0.0.1:1337', identifiers: { serial: 'FL-0001' }, model: 'nrf52840-dk', firmwareVersion: '1.4.2', protocol: 'smp' },
    });
  });

  it('brackets IPv6 addresses', () => {
    const sighting = sightingFromMcumgrService(service({ addresses: ['fe80::1'] }));
    expect(sighting.ok && sighting.report.address).toBe('[fe80::1]:1337');
  });

  it.each([
    ['no serial', { model: 'x' }, /serial/],
    ['an oversized serial', { serial: 'S'.repeat(65) }, /serial/],
    ['a serial with spaces', { serial: 'FL 1' }, /printable/],
    ['a non-string model', { serial: 'S1', model: 42 }, /model/],
  ])('refuses a TXT record with %s, naming the field', (_label, txt, pattern) => {
    const sighting = sightingFromMcumgrService(service({ txt }));
    expect(sighting.ok).toBe(false);
    if (!sighting.ok) expect(sighting.reason).toMatch(pattern);
  });

  it('falls back to the answer’s source address when no address record came', () => {
    const sighting = sightingFromMcumgrService(service({ addresses: [], refererAddress: '10.0.0.7' }));
    expect(sighting.ok && sighting.report.address).toBe('10.0.0.7:1337');
  });

  it('refuses a service without any address or with an impossible port', () => {
    expect(sightingFromMcumgrService(service({ addresses: [] })).ok).toBe(false);
    expect(sightingFromMcumgrService(service({ port: 0 })).ok).toBe(false);
  });

  it('never throws on arbitrary TXT records, names and ports', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), fc.string(), fc.integer(), (txt, name, port) => {
        const sighting = sightingFromMcumgrService(service({ txt, name, port }));
        expect(typeof sighting.ok).toBe('boolean');
      }),
    );
  });
});
