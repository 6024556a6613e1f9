import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import type { SqlExecutor } from '../db/database';
import { findCertificate, type CertificateRecord } from '../pki/certificate-store';
import { normalizeSerial } from '../pki/x509';

/** A verified TLS client: its certificate chained to one of our CAs and is inside its validity. */
export interface TlsClient {
  certificate: X509Certificate;
  serial: string;
  commonName: string;
}

function reject(reason: string, message: string): AppError {
  return new AppError('STATION_CERTIFICATE_REJECTED', message, { details: { reason } });
}

/**
 * The client certificate of this request, checked by node:tls against the server's CA list
 * (`requestCert` with `rejectUnauthorized: false`, so that enrollment and EST `cacerts` work without
 * one) and by us against the CA that must have issued it.
 */
export function requireTlsClient(request: FastifyRequest, issuer: X509Certificate): TlsClient {
  const socket = request.raw.socket as TLSSocket;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : undefined;
  if (peer === undefined || peer === null || Object.keys(peer).length === 0 || peer.raw === undefined) {
    throw reject('missing', 'this route needs a client certificate (mutual TLS)');
  }
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'unknown');
    if (code === 'CERT_HAS_EXPIRED') throw reject('expired', 'the client certificate has expired');
    if (code === 'CERT_NOT_YET_VALID') throw reject('not-yet-valid', 'the client certificate is not valid yet');
    throw reject('untrusted', `the client certificate was not issued by this server's CA (${code})`);
  }
  const certificate = new X509Certificate(peer.raw);
  if (!certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) {
    throw reject('wrong-issuer', 'the client certificate was issued by a CA that is not accepted on this route');
  }
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1] ?? '';
  return { certificate, serial: normalizeSerial(certificate.serialNumber), commonName };
}

/** True when the request carries a client certificate that names `issuer` as its issuer. */
export function isClientCertificateFrom(request: FastifyRequest, issuer: X509Certificate): boolean {
  const socket = request.raw.socket as TLSSocket;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : undefined;
  if (peer?.raw === undefined) return false;
  return new X509Certificate(peer.raw).checkIssued(issuer);
}

/**
 * A station, authenticated: a valid client certificate from the fleet CA, recorded by this server,
 * not revoked, belonging to a station the server knows.
 */
export async function requireStation(
  request: FastifyRequest,
  db: SqlExecutor,
  fleetCa: X509Certificate,
): Promise<{ stationId: string; certificate: CertificateRecord }> {
  const client = requireTlsClient(request, fleetCa);
  const record = await findCertificate(db, client.serial);
  if (record === null || record.kind !== 'station' || record.stationId === null) {
    throw new AppError('STATION_UNKNOWN', 'the client certificate is not one this server issued to a station', {
      details: { serial: client.serial },
    });
  }
  if (record.revokedAt !== null) throw reject('revoked', `the station certificate was revoked at ${record.revokedAt}`);
  const stations = await db.query('SELECT 1 FROM stations WHERE station_id = $1', [record.stationId]);
  if (stations.length === 0) throw new AppError('STATION_UNKNOWN', `station ${record.stationId} is not enrolled`, { details: { stationId: record.stationId } });
  return { stationId: record.stationId, certificate: record };
}

/** Refuses a request that speaks for another station than the certificate's. */
export function assertSameStation(authenticated: string, claimed: string): void {
  if (authenticated !== claimed) {
    throw new AppError('STATION_UNKNOWN', `this certificate belongs to station ${authenticated}, not ${claimed}`, {
      details: { certificateStation: authenticated, claimedStation: claimed },
    });
  }
}
