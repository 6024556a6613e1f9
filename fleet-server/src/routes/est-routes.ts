import type { FastifyReply } from 'fastify';
import { AppError } from '../../../shared/errors';
import { encodeCertsOnly, PKCS7_CERTS_ONLY } from '../est/est-encoding';
import { issueDeviceCertificate } from '../est/issue-device-certificate';
import { authorizeRenewal } from '../est/renewal-authority';
import { requireStation } from '../http/client-certificate';
import type { FleetApp } from '../http/fleet-app';
import type { FleetContext } from '../http/fleet-context';
import { readCertificateRequest } from '../pki/certificate-request';

const EST = '/.well-known/est';
const MAX_CSR_BODY_BYTES = 32 * 1024;

function csrBody(body: unknown): string {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new AppError('CSR_INVALID', 'send the CSR as base64 DER with Content-Type: application/pkcs10');
  }
  return body;
}

/**
 * EST (RFC 7030) for device certificates, signed by the device CA. Stations enroll devices on their
 * behalf (the device's key never leaves it; the CSR proves possession). `serverkeygen` is not
 * offered: keys are generated on devices only.
 */
export function registerEstRoutes(app: FleetApp, context: FleetContext): void {
  app.addContentTypeParser('application/pkcs10', { parseAs: 'string', bodyLimit: MAX_CSR_BODY_BYTES }, (_request, body, done) => {
    done(null, body);
  });

  const sendCertsOnly = (reply: FastifyReply, text: string) =>
    reply.header('content-type', PKCS7_CERTS_ONLY).header('content-transfer-encoding', 'base64').send(text);

  // §4.1: the CA certificates, without authentication, so a device can bootstrap its trust.
  app.get(`${EST}/cacerts`, async (_request, reply) => sendCertsOnly(reply, encodeCertsOnly([context.pki.deviceCa.certificate])));

  // §4.5: no attributes are required in CSRs; 204 says so.
  app.get(`${EST}/csrattrs`, async (_request, reply) => reply.status(204).send());

  app.post(`${EST}/simpleenroll`, async (request, reply) => {
    const { stationId } = await requireStation(request, context.db, context.fleetCaCertificate);
    const csr = await readCertificateRequest(csrBody(request.body));
    const { certificate, deviceId } = await issueDeviceCertificate(context.db, context.pki.deviceCa, { request: csr, stationId, source: 'est' });
    context.metrics.certificatesIssued.inc({ kind: 'device', source: 'est' });
    request.log.info({ stationId, deviceId, serial: certificate.serialNumber }, 'device certificate issued');
    return sendCertsOnly(reply, encodeCertsOnly([certificate]));
  });

  // §4.2.2: the subject stays the same and the certificate being renewed must be in good standing.
  app.post(`${EST}/simplereenroll`, async (request, reply) => {
    const csr = await readCertificateRequest(csrBody(request.body));
    const { current, stationId } = await authorizeRenewal(request, context, csr.subject);
    const { certificate, deviceId } = await issueDeviceCertificate(context.db, context.pki.deviceCa, {
      request: csr,
      stationId,
      source: 'est',
      expectedSubject: current.subject,
    });
    context.metrics.certificatesIssued.inc({ kind: 'device', source: 'est' });
    request.log.info({ stationId, deviceId, serial: certificate.serialNumber, renews: current.serial }, 'device certificate renewed');
    return sendCertsOnly(reply, encodeCertsOnly([certificate]));
  });
}
