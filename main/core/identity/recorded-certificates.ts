import type { CommandOutput, RecordedCertificate } from '../../../shared/contract';
import type { StoredEvent } from '../ports/ledger-store';
import { toPem } from './certificate-facts';
import { IdentityEvent, type IdentityLedger } from './identity-ledger';

const PAGE = 200;

/**
 * The device's certificates as this ledger recorded them (`certificate.enrolled`), newest first: the
 * current one and its history (renewals, re-enrollments after a re-flash). What `identity:certificate`
 * answers.
 */
export function recordedCertificates(
  ledger: Pick<IdentityLedger, 'listEvents'>,
  deviceId: string,
): CommandOutput<'identity:certificate'> {
  const recorded: RecordedCertificate[] = [];
  let before: number | undefined;
  for (;;) {
    const page = ledger.listEvents({ deviceId, type: IdentityEvent.enrolled, limit: PAGE, ...(before === undefined ? {} : { before }) });
    for (const event of page) {
      const certificate = fromEvent(event);
      if (certificate !== null) recorded.push(certificate);
    }
    if (page.length < PAGE) break;
    before = page.at(-1)!.position;
  }
  const [certificate = null, ...history] = recorded;
  return { deviceId, certificate, history };
}

function fromEvent(event: StoredEvent): RecordedCertificate | null {
  const payload = event.payload;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const text = (key: string): string => (typeof payload[key] === 'string' ? payload[key] : '');
  const source = payload['source'];
  const mode = payload['mode'];
  if (source !== 'est' && source !== 'offline-ca') return null;
  if (mode !== 'initial' && mode !== 'renewal' && mode !== 're-enrollment') return null;
  const chain = Array.isArray(payload['chain']) ? payload['chain'].filter((der): der is string => typeof der === 'string') : [];
  return {
    subject: text('subject'),
    certificateSerial: text('certificateSerial'),
    fingerprintSha256: text('fingerprintSha256'),
    notBefore: text('notBefore'),
    notAfter: text('notAfter'),
    issuer: text('certificateIssuer'),
    issuerDescription: text('issuer'),
    source,
    mode,
    chainPem: chain.map((der) => toPem(Buffer.from(der, 'base64'))).join('\n'),
    recordedAt: uuidV7Time(event.id),
    eventId: event.id,
  };
}

/** The millisecond timestamp in a UUIDv7's first 48 bits (ledger event ids are UUIDv7). */
function uuidV7Time(id: string): string {
  const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
