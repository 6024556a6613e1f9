import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../shared/contract/ledger';
import { EventChainBuilder, hlcAt } from './helpers/event-chain';
import { enrollStation, type StationClient } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/**
 * Two stations handle one device while both are offline: station A discovers, flashes and finally
 * retires it; station B, unaware, enrolls, configures and commissions it, partly after the
 * retirement. Their HLCs interleave.
 */
function offlineHistories(deviceId: string, a: string, b: string): { fromA: LedgerEvent[]; fromB: LedgerEvent[] } {
  const chainA = new EventChainBuilder(a);
  const chainB = new EventChainBuilder(b);
  chainA.append({ deviceId, type: 'device.discovered', payload: { model: 'gw-1', serial: 'GW-77' }, hlc: hlcAt(1000, 0, 'a') });
  chainB.append({ deviceId, type: 'device.discovered', payload: { model: 'gw-1' }, hlc: hlcAt(1000, 0, 'b') });
  chainA.append({ deviceId, type: 'firmware.flashed', payload: { version: '3.1.0' }, hlc: hlcAt(1001, 0, 'a') });
  chainB.append({ deviceId, type: 'certificate.enrolled', hlc: hlcAt(1002, 0, 'b') });
  chainA.append({ deviceId, type: 'device.retired', payload: { reason: 'rma' }, hlc: hlcAt(1003, 0, 'a') });
  chainB.append({ deviceId, type: 'config.applied', hlc: hlcAt(1004, 0, 'b') });
  chainB.append({ deviceId, type: 'device.commissioned', hlc: hlcAt(1005, 0, 'b') });
  return { fromA: chainA.events, fromB: chainB.events };
}

async function deviceView(station: StationClient, deviceId: string) {
  const device = (await station.request('GET', `/devices/${deviceId}`)).json as Record<string, unknown>;
  const history = (await station.request('GET', `/devices/${deviceId}/history`)).json as { events: LedgerEvent[] };
  const { id: _id, lastEventId: _lastEventId, updatedAt: _updatedAt, ...rest } = device;
  return { device: rest, types: history.events.map((event) => `${event.stationId.slice(0, 1)}:${event.type}`) };
}

describe('device projection across stations', () => {
  it('is the same for both arrival orders, and retirement stays terminal', async () => {
    const [a1, b1, a2, b2] = await Promise.all(['a-st1', 'b-st1', 'a-st2', 'b-st2'].map((id) => enrollStation(server, id)));
    const first = offlineHistories('dev-x', 'a-st1', 'b-st1');
    expect((await a1!.sendBatch(first.fromA)).status).toBe(200);
    expect((await b1!.sendBatch(first.fromB)).status).toBe(200);
    const second = offlineHistories('dev-y', 'a-st2', 'b-st2');
    expect((await b2!.sendBatch(second.fromB)).status).toBe(200);
    expect((await a2!.sendBatch(second.fromA)).status).toBe(200);

    const x = await deviceView(a1!, 'dev-x');
    const y = await deviceView(a1!, 'dev-y');
    expect(x).toEqual(y);
    expect(x.device).toMatchObject({ state: 'retired', model: 'gw-1', serial: 'GW-77', firmwareVersion: '3.1.0', eventCount: 7, supersededCount: 2 });
    expect(x.types).toEqual([
      'a:device.discovered',
      'b:device.discovered',
      'a:firmware.flashed',
      'b:certificate.enrolled',
      'a:device.retired',
      'b:config.applied',
      'b:device.commissioned',
    ]);
  });

  it('leaves retirement only through a recorded re-commissioning', async () => {
    const station = await enrollStation(server, 'revive-st');
    const chain = new EventChainBuilder('revive-st');
    chain.append({ deviceId: 'dev-z', type: 'device.discovered', payload: { model: 'm2' } });
    chain.append({ deviceId: 'dev-z', type: 'device.retired' });
    chain.append({ deviceId: 'dev-z', type: 'device.commissioned' });
    await station.sendBatch(chain.events);
    expect((await station.request('GET', '/devices/dev-z')).json).toMatchObject({ state: 'retired' });
    const next = chain.events.length;
    chain.append({ deviceId: 'dev-z', type: 'device.recommissioned' });
    chain.append({ deviceId: 'dev-z', type: 'firmware.flashed', payload: { version: '4.0.0' } });
    await station.sendBatch(chain.events.slice(next));
    expect((await station.request('GET', '/devices/dev-z')).json).toMatchObject({ state: 'provisioned', firmwareVersion: '4.0.0' });
  });

  it('lists devices with state and model filters and keyset paging', async () => {
    const station = await enrollStation(server, 'list-st');
    const chain = new EventChainBuilder('list-st');
    for (let index = 0; index < 5; index += 1) {
      chain.append({ deviceId: `list-${index}`, type: 'device.discovered', payload: { model: index % 2 === 0 ? 'even' : 'odd' } });
    }
    chain.append({ deviceId: 'list-0', type: 'firmware.flashed' });
    await station.sendBatch(chain.events);
    const even = (await station.request('GET', '/devices?model=even')).json as { devices: { id: string }[] };
    expect(even.devices.map((device) => device.id)).toEqual(['list-0', 'list-2', 'list-4']);
    const provisioned = (await station.request('GET', '/devices?state=provisioned&model=even')).json as { devices: { id: string }[] };
    expect(provisioned.devices.map((device) => device.id)).toEqual(['list-0']);
    const page1 = (await station.request('GET', '/devices?model=odd&limit=1')).json as { devices: { id: string }[]; nextAfter: string };
    expect(page1).toMatchObject({ devices: [{ id: 'list-1' }], nextAfter: 'list-1' });
    const page2 = (await station.request('GET', `/devices?model=odd&limit=1&after=${page1.nextAfter}`)).json;
    expect(page2).toMatchObject({ devices: [{ id: 'list-3' }], nextAfter: null });
    expect((await station.request('GET', '/devices?state=bogus')).status).toBe(400);
    expect((await station.request('GET', '/devices/nope')).status).toBe(404);
  });
});
