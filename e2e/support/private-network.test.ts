import { describe, expect, it } from 'vitest';
import { runInPrivateNetwork } from './private-network';

// A multicast round trip on the mDNS group inside the namespace: what the mDNS suites rely on.
const MULTICAST_PROBE = `
const dgram = require('node:dgram');
const { networkInterfaces } = require('node:os');
const receiver = dgram.createSocket({ type: 'udp4', reuseAddr: true });
receiver.bind(5353, () => {
  receiver.addMembership('224.0.0.251', '127.0.0.1');
  const sender = dgram.createSocket('udp4');
  sender.bind(0, '127.0.0.1', () => {
    sender.setMulticastInterface('127.0.0.1');
    sender.send('fieldline-probe', 5353, '224.0.0.251', () => sender.close());
  });
});
receiver.on('message', (message) => {
  console.log(JSON.stringify({ received: message.toString(), interfaces: Object.keys(networkInterfaces()) }));
  receiver.close();
});
setTimeout(() => { console.log(JSON.stringify({ received: null })); process.exit(1); }, 5000).unref();
`;

describe('runInPrivateNetwork', () => {
  it('gives a namespace with only loopback where multicast to the mDNS group arrives', async () => {
    const result = await runInPrivateNetwork(process.execPath, ['-e', MULTICAST_PROBE]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ received: 'fieldline-probe', interfaces: ['lo'] });
  });

  it('has no route out of the machine', async () => {
    const result = await runInPrivateNetwork('ip', ['-o', 'route', 'get', '192.0.2.1']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unreachable/i);
  });
});
