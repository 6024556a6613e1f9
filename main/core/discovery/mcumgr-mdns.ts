import { z } from 'zod';
import { describeZodError } from '../../../shared/errors';
import type { MdnsService } from '../ports/mdns-browser';
import type { SightingReport } from './sighting-report';

/** SMP over UDP is advertised as `_mcumgr._udp` (protocols.md, mDNS). */
export const MCUMGR_SERVICE = { type: 'mcumgr', protocol: 'udp' } as const;

/** Printable ASCII without spaces: what a serial number or model code may contain. */
const token = (maxLength: number) => z.string().regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').max(maxLength);

/** The TXT keys Fieldline reads; unknown keys are ignored, known ones must be well-formed. */
const mcumgrTxtSchema = z.object({
  serial: token(64),
  model: token(64).optional(),
  fw: token(32).optional(),
});

export type McumgrSighting = { ok: true; report: SightingReport } | { ok: false; reason: string };

/**
 * Turns a resolved `_mcumgr._udp` service into a sighting. A malformed or oversized TXT record, or a
 * service without an address, is refused with a reason for the log: the device is skipped, not crashed on.
 */
export function sightingFromMcumgrService(service: MdnsService): McumgrSighting {
  const txt = mcumgrTxtSchema.safeParse(service.txt);
  if (!txt.success) return { ok: false, reason: `TXT record of "${service.name.slice(0, 64)}": ${describeZodError(txt.error)}` };
  // Prefer an IPv4 address record; a responder that sent none (some embedded stacks, or a loopback-only
  // host) is reached at the address its answer came from.
  const address =
    service.addresses.find((candidate) => /^\d{1,3}(\.\d{1,3}){3}$/.test(candidate)) ?? service.addresses[0] ?? service.refererAddress ?? undefined;
  if (address === undefined) return { ok: false, reason: `service "${service.name.slice(0, 64)}" has no address` };
  if (!Number.isInteger(service.port) || service.port <= 0 || service.port > 65_535) {
    return { ok: false, reason: `service "${service.name.slice(0, 64)}" has port ${String(service.port)}` };
  }
  const report: SightingReport = {
    transport: 'network',
    address: address.includes(':') ? `[${address}]:${service.port}` : `${address}:${service.port}`,
    identifiers: { serial: txt.data.serial },
    protocol: 'smp',
  };
  if (txt.data.model !== undefined) report.model = txt.data.model;
  if (txt.data.fw !== undefined) report.firmwareVersion = txt.data.fw;
  return { ok: true, report };
}
