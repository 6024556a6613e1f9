import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import {
  generateDeviceKeyAndCsr,
  installCertificateChain,
  readDeviceIdentity,
  readInstalledCertificate,
  zeroizeDevice,
} from './identity-commands';
import type { SmpMap } from './smp-cbor';
import { SmpClient } from './smp-client';
import { SmpOp } from './smp-header';
import { arbitrarySmpMap } from './smp-test-arbitraries';
import { SmpTestTransport } from './smp-test-transport';

const clientAnswering = (answer: SmpMap) => {
  const transport = new SmpTestTransport({ behaviour: () => answer });
  return { transport, client: new SmpClient(transport, { timeoutMs: 1_000 }) };
};

describe('identity group 64 client (protocols.md §7)', () => {
  it('sends each command to group 64 with the documented id, op and body', async () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);
    const issuer = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x02);
    const installed = [der, issuer];
    const transport = new SmpTestTransport({
      behaviour: (request) =>
        [
          { hwid: Uint8Array.of(1, 2), model: 'm', serial: 's' } as SmpMap,
          { csr: der },
          request.op === SmpOp.read
            ? { cert: installed[request.body.index as number]!, count: installed.length }
            : {},
          {},
        ][request.commandId]!,
    });
    const client = new SmpClient(transport);
    await expect(readDeviceIdentity(client)).resolves.toEqual({
      hardwareId: Uint8Array.of(1, 2),
      model: 'm',
      serialNumber: 's',
    });
    await expect(generateDeviceKeyAndCsr(client, { subject: 'CN=x' })).resolves.toEqual(der);
    await installCertificateChain(client, installed);
    await expect(readInstalledCertificate(client)).resolves.toEqual({ certificate: der, chain: installed });
    await zeroizeDevice(client);
    expect(transport.sent.map(({ op, group, commandId, body }) => ({ op, group, commandId, body }))).toEqual([
      { op: SmpOp.read, group: 64, commandId: 0, body: {} },
      { op: SmpOp.write, group: 64, commandId: 1, body: { subject: 'CN=x', alg: 'p256' } },
      // One certificate per request each way: a whole chain can outgrow a UDP datagram.
      { op: SmpOp.write, group: 64, commandId: 2, body: { cert: der, index: 0, count: 2 } },
      { op: SmpOp.write, group: 64, commandId: 2, body: { cert: issuer, index: 1, count: 2 } },
      { op: SmpOp.read, group: 64, commandId: 2, body: { index: 0 } },
      { op: SmpOp.read, group: 64, commandId: 2, body: { index: 1 } },
      { op: SmpOp.write, group: 64, commandId: 3, body: {} },
    ]);
  });

  it('reads a chain of one in one request, and refuses an answer without its count', async () => {
    const { client } = clientAnswering({ cert: Uint8Array.of(9), count: 1 });
    await expect(readInstalledCertificate(client)).resolves.toEqual({
      certificate: Uint8Array.of(9),
      chain: [Uint8Array.of(9)],
    });
    const { client: older } = clientAnswering({ cert: Uint8Array.of(9) });
    await expect(readInstalledCertificate(older)).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
  });

  it('refuses to send an empty or over-long chain', async () => {
    const { client, transport } = clientAnswering({});
    await expect(installCertificateChain(client, [])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(installCertificateChain(client, Array(5).fill(Uint8Array.of(1)))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(transport.sent).toEqual([]);
  });

  const malformed: [string, (client: SmpClient) => Promise<unknown>, SmpMap][] = [
    ['an identity with text for hwid', readDeviceIdentity, { hwid: 'abc', model: 'm', serial: 's' }],
    ['an identity without a serial', readDeviceIdentity, { hwid: Uint8Array.of(1), model: 'm' }],
    [
      'an empty CSR',
      (client) => generateDeviceKeyAndCsr(client, { subject: 'CN=x' }),
      { csr: new Uint8Array(0) },
    ],
    ['a certificate as text', readInstalledCertificate, { cert: 'MIIB' }],
  ];
  it.each(malformed)('turns %s into DEVICE_PROTOCOL', async (_name, command, answer) => {
    const { client } = clientAnswering(answer);
    await expect(command(client)).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
  });

  it('turns any answer into a value or a typed error (property)', async () => {
    const commands = [
      readDeviceIdentity,
      (client: SmpClient) => generateDeviceKeyAndCsr(client, { subject: 'CN=x' }),
      readInstalledCertificate,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...commands), arbitrarySmpMap, async (command, answer) => {
        const { client } = clientAnswering(answer);
        try {
          await command(client);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          expect(['DEVICE_PROTOCOL', 'DEVICE_REJECTED']).toContain((error as AppError).code);
        }
        client.dispose();
      }),
      { numRuns: 300 },
    );
  });
});
