import { describe, expect, it } from 'vitest';
import type { Disposable } from '../event-bus';
import type { DatagramNetwork, DatagramSocket } from '../ports/datagram';
import { parseNetworkAddress, probeSmpOverUdp } from './udp-sighting-probe';

describe('parseNetworkAddress', () => {
  it.each([
    ['127.0.0.1:1337', { address: '127.0.0.1', port: 1337 }],
    ['[fe80::1]:1337', { address: 'fe80::1', port: 1337 }],
    ['lab-1.local:9', { address: 'lab-1.local', port: 9 }],
  ])('reads %s', (text, endpoint) => expect(parseNetworkAddress(text)).toEqual(endpoint));

  it.each(['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'fe80::1:1337', ''])('refuses %j', (text) => {
    expect(parseNetworkAddress(text)).toBeNull();
  });
});

describe('probeSmpOverUdp', () => {
  it('gives up on a device that never answers, with a reason, and closes its socket', async () => {
    let closed = 0;
    const none: Disposable = { dispose: () => undefined };
    const socket: DatagramSocket = {
      local: { address: '127.0.0.1', port: 40_000 },
      send: () => Promise.resolve(),
      onMessage: () => none,
      onClose: () => none,
      close: () => {
        closed += 1;
        return Promise.resolve();
      },
    };
    const network: DatagramNetwork = { bind: () => Promise.resolve(socket) };
    const outcome = await probeSmpOverUdp(
      network,
      { address: '127.0.0.1', port: 1337 },
      { requestTimeoutMs: 10 },
    );
    expect(outcome).toEqual({ kind: 'unidentified', reason: 'no answer to SMP echo (2 tries)' });
    expect(closed).toBe(1);
  });
});
