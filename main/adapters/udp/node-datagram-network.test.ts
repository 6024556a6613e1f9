import { afterEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/errors';
import type { DatagramEndpoint, DatagramSocket } from '../../core/ports/datagram';
import { NodeDatagramNetwork } from './node-datagram-network';

const network = new NodeDatagramNetwork();
const opened: DatagramSocket[] = [];
const bind = async (port = 0): Promise<DatagramSocket> => {
  const socket = await network.bind({ address: '127.0.0.1', port });
  opened.push(socket);
  return socket;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((socket) => socket.close()));
});

// Loopback only: nothing leaves the machine.
describe('NodeDatagramNetwork', () => {
  it('carries whole datagrams both ways and names the sender', async () => {
    const [a, b] = [await bind(), await bind()];
    const received = new Promise<{ bytes: number[]; from: DatagramEndpoint }>((resolve) =>
      b.onMessage((bytes, from) => resolve({ bytes: [...bytes], from })),
    );
    await a.send(Uint8Array.of(1, 2, 3), b.local);
    await expect(received).resolves.toEqual({ bytes: [1, 2, 3], from: a.local });
  });

  it('refuses a port in use with PORT_UNAVAILABLE', async () => {
    const taken = await bind();
    await expect(network.bind({ address: '127.0.0.1', port: taken.local.port })).rejects.toMatchObject({
      code: 'PORT_UNAVAILABLE',
    });
  });

  it('refuses an oversized datagram with INVALID_INPUT and keeps the socket usable', async () => {
    const [a, b] = [await bind(), await bind()];
    await expect(a.send(new Uint8Array(70_000), b.local)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(a.send(Uint8Array.of(9), b.local)).resolves.toBeUndefined();
  });

  it('reports a plain close once, then fails sends with TRANSPORT_CLOSED', async () => {
    const socket = await bind();
    const reasons: (AppError | undefined)[] = [];
    socket.onClose((reason) => reasons.push(reason));
    await socket.close();
    await socket.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reasons).toEqual([undefined]);
    await expect(socket.send(Uint8Array.of(1), { address: '127.0.0.1', port: 9 })).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
    });
  });

  it('does not bind when the signal has already fired', async () => {
    await expect(network.bind({ address: '127.0.0.1' }, AbortSignal.abort())).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});
