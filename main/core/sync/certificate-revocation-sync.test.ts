import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { FleetClient } from '../ports/fleet-client';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';
import {
  pendingRevocations,
  REVOCATION_REQUESTED_EVENT,
  REVOKED_EVENT,
  sendPendingRevocations,
  type CertificateRevoker,
} from './certificate-revocation-sync';

/** Just enough of a ledger: events in position order, listEvents newest first like the store. */
class EventList {
  readonly events: StoredEvent[] = [];

  add(type: string, deviceId: string | null, payload: JsonValue): StoredEvent {
    const position = this.events.length + 1;
    const event: StoredEvent = {
      id: `event-${position}`,
      stationId: 'station',
      stationSeq: position,
      hlc: String(position),
      actor: 'test',
      deviceId,
      type,
      payload,
      prevHash: '',
      hash: '',
      position,
    };
    this.events.push(event);
    return event;
  }

  listEvents = (query: EventQuery): StoredEvent[] =>
    this.events
      .filter((event) => (query.type === undefined || event.type === query.type) && (query.before === undefined || event.position < query.before))
      .reverse()
      .slice(0, query.limit);
}

function client(answers: Record<string, 'ok' | 'unknown' | 'down'>, sent: string[]): FleetClient & CertificateRevoker {
  return {
    sendBatch: () => Promise.reject(new Error('not used')),
    fetchCatalog: () => Promise.reject(new Error('not used')),
    revokeDeviceCertificate: (serial) => {
      sent.push(serial);
      const answer = answers[serial] ?? 'ok';
      if (answer === 'unknown') return Promise.reject(new AppError('NOT_FOUND', `no certificate with serial ${serial}`));
      if (answer === 'down') return Promise.reject(new AppError('FLEET_UNREACHABLE', 'connection refused'));
      return Promise.resolve({ isNewRevocation: true, revokedAt: '2026-11-27T20:00:00.000Z' });
    },
  };
}

describe('certificate revocation sync', () => {
  it('sends each requested revocation once, oldest first, and not again once recorded', async () => {
    const ledger = new EventList();
    ledger.add(REVOCATION_REQUESTED_EVENT, 'hwid:01', { certificateSerial: 'a1', reasonCode: 5 });
    ledger.add(REVOCATION_REQUESTED_EVENT, 'hwid:02', { certificateSerial: 'b2', reasonCode: 5 });
    ledger.add(REVOCATION_REQUESTED_EVENT, 'hwid:01', { certificateSerial: 'a1', reasonCode: 5 });
    expect(pendingRevocations(ledger).map((pending) => pending.certificateSerial)).toEqual(['a1', 'b2']);
    const sent: string[] = [];
    const recordRevoked = (revocation: { certificateSerial: string; deviceId: string | null }): void =>
      void ledger.add(REVOKED_EVENT, revocation.deviceId, { certificateSerial: revocation.certificateSerial });
    const result = await sendPendingRevocations(client({}, sent), { store: ledger, recordRevoked }, new AbortController().signal);
    expect(result).toEqual({ revoked: 2, leftPending: [] });
    expect(sent).toEqual(['a1', 'b2']);
    expect(await sendPendingRevocations(client({}, sent), { store: ledger, recordRevoked }, new AbortController().signal)).toBeNull();
    expect(sent).toEqual(['a1', 'b2']);
  });

  it('keeps a certificate the server does not know pending without holding up the others; fails the pass when the server is down', async () => {
    const ledger = new EventList();
    ledger.add(REVOCATION_REQUESTED_EVENT, 'hwid:01', { certificateSerial: 'a1', reasonCode: 5 });
    ledger.add(REVOCATION_REQUESTED_EVENT, 'hwid:02', { certificateSerial: 'b2', reasonCode: 5 });
    const recorded: string[] = [];
    const ports = { store: ledger, recordRevoked: (revocation: { certificateSerial: string }) => void recorded.push(revocation.certificateSerial) };
    const sent: string[] = [];
    expect(await sendPendingRevocations(client({ a1: 'unknown' }, sent), ports, new AbortController().signal)).toEqual({
      revoked: 1,
      leftPending: [{ certificateSerial: 'a1', code: 'NOT_FOUND', message: 'no certificate with serial a1' }],
    });
    expect(recorded).toEqual(['b2']);
    await expect(sendPendingRevocations(client({ a1: 'down' }, sent), ports, new AbortController().signal)).rejects.toMatchObject({
      code: 'FLEET_UNREACHABLE',
      message: expect.stringMatching(/revoking device certificate a1/) as unknown,
    });
  });

  it('skips clients that cannot revoke', async () => {
    const ledger = new EventList();
    ledger.add(REVOCATION_REQUESTED_EVENT, 'hwid:01', { certificateSerial: 'a1', reasonCode: 5 });
    const plain: FleetClient = { sendBatch: () => Promise.reject(new Error('x')), fetchCatalog: () => Promise.reject(new Error('x')) };
    expect(await sendPendingRevocations(plain, { store: ledger, recordRevoked: () => undefined }, new AbortController().signal)).toBeNull();
  });
});
