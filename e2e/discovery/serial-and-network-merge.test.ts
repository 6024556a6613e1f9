import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';
import { NetworkSightingProber } from '../../main/core/discovery/network-sighting-prober';
import { systemClock } from '../../main/core/ports/clock';
import { silentLogger } from '../../main/core/ports/logger';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startUdpSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { eventually, openDiscoveryHarness } from './discovery-harness';

type Harness = Awaited<ReturnType<typeof openDiscoveryHarness>>;

/**
 * One unit seen over the network (an mDNS TXT sighting, completed over SMP/UDP by the real UDP adapter)
 * and on a serial port (probed over the pty) is one registry entry with both sightings.
 */
describe('a lab device seen over the network and on a serial port', () => {
  let harness: Harness;
  let udpLab: RunningSmpDevice;
  let prober: NetworkSightingProber;

  beforeEach(async () => {
    harness = await openDiscoveryHarness(systemClock);
    // The same unit's identity.json on both links: same serial, same hardware id.
    const identity = { serialNumber: 'DISC-0300', hardwareId: 'feed0300' };
    udpLab = await startUdpSmpDevice(
      { ...SMP_DEVICE_DEFAULTS, name: 'udp', stateDir: join(harness.folder, 'udp-state'), ...identity },
      { address: '127.0.0.1' },
    );
    await harness.startDevice('serial', identity);
    prober = new NetworkSightingProber(harness.core.registry, new NodeDatagramNetwork(), silentLogger, {
      bindAddress: '127.0.0.1',
    });
    prober.start();
  });
  afterEach(async () => {
    await prober.stop();
    await udpLab.stop();
    await harness.close();
  });

  it('merges both into one entry, with the hardware id read over UDP recorded once', async () => {
    if (udpLab.address.kind !== 'udp') throw new Error('expected a UDP lab device');
    const address = `127.0.0.1:${udpLab.address.port}`;
    // What mcumgr-mdns.ts makes of the TXT record `serial=DISC-0300`.
    const id = harness.core.registry.report({
      transport: 'network',
      address,
      identifiers: { serial: 'DISC-0300' },
      protocol: 'smp',
    });
    await eventually(
      () => harness.core.registry.get(id!)?.hardwareId ?? undefined,
      'the UDP probe to add the hardware id',
    );
    harness.discovery.start();
    const device = await eventually(() => {
      const listed = harness.core.registry.list();
      return listed.length === 1 && listed[0]!.sightings.length === 2 ? listed[0] : undefined;
    }, 'the serial sighting to join');
    expect(device).toMatchObject({
      id: 'serial:DISC-0300',
      hardwareId: 'feed0300',
      model: 'fieldline-lab-nrf52840',
      firmwareVersion: '1.0.0',
    });
    expect(device.sightings.map((sighting) => `${sighting.transport}:${sighting.protocol}`).sort()).toEqual([
      'network:smp',
      'serial:smp',
    ]);
    expect(harness.core.ledger.deviceHistory(device.id).map((event) => event.type)).toEqual([
      'device.discovered',
      'device.identified',
    ]);
  });
});
