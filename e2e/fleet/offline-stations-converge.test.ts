import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/contract';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { HttpsFleetClient } from '../../main/adapters/fleet/https-fleet-client';
import type { TlsIdentity } from '../../main/adapters/fleet/https-json';
import { syncOutbox } from '../../main/core/sync/ledger-sync';
import { ManualClock } from '../../main/test-support/manual-clock';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { enrollStation, enrollStationElsewhere, getJsonAsStation, openStation, type OpenStation } from './fleet-station-fixture';

type StationName = 'A' | 'B' | 'C';

/** 2026-01-01T00:00:00Z; the story below is in milliseconds after it. */
const T0 = 1_767_225_600_000;

/**
 * What three stations recorded while offline, in wall-clock order. The stories that matter:
 * - alpha: commissioned by A, updated by B, retired by C; A services it later (by HLC): superseded.
 * - bravo: retired early by B; A, not knowing, keeps servicing it afterwards: both events superseded.
 * - charlie: retired by B, serviced by A after that (superseded), then wiped and recommissioned by C,
 *   who flashes it again: it starts over.
 * - delta: failed at C between A's flash and B's re-flash: out of `failed`, then forward only.
 * - echo: A and B record an event in the very same millisecond (equal HLCs): the event id decides.
 */
const STORY: { atMs: number; station: StationName; device: string; type: string; payload?: JsonValue }[] = [
  { atMs: 1_000, station: 'A', device: 'alpha', type: 'device.discovered', payload: { model: 'nrf52840', serial: 'SN-ALPHA' } },
  { atMs: 1_000, station: 'C', device: 'delta', type: 'device.discovered', payload: { model: 'stm32wb', serial: 'SN-DELTA' } },
  { atMs: 1_200, station: 'A', device: 'charlie', type: 'device.discovered', payload: { model: 'rp2040', serial: 'SN-CHARLIE' } },
  { atMs: 1_500, station: 'B', device: 'bravo', type: 'device.discovered', payload: { model: 'esp32-c3', serial: 'SN-BRAVO' } },
  { atMs: 1_800, station: 'B', device: 'echo', type: 'device.discovered', payload: { model: 'nrf9160', serial: 'SN-ECHO' } },
  { atMs: 2_000, station: 'A', device: 'alpha', type: 'firmware.flashed', payload: { firmwareVersion: '1.0.0' } },
  { atMs: 2_000, station: 'A', device: 'delta', type: 'firmware.flashed', payload: { firmwareVersion: '4.0.0' } },
  { atMs: 2_200, station: 'A', device: 'charlie', type: 'firmware.flashed', payload: { firmwareVersion: '3.0.0' } },
  { atMs: 2_500, station: 'B', device: 'bravo', type: 'firmware.flashed', payload: { firmwareVersion: '2.0.0' } },
  { atMs: 3_000, station: 'A', device: 'alpha', type: 'certificate.enrolled' },
  { atMs: 3_000, station: 'C', device: 'delta', type: 'device.failed', payload: { reason: 'health check' } },
  { atMs: 3_200, station: 'A', device: 'charlie', type: 'device.commissioned' },
  { atMs: 4_000, station: 'A', device: 'alpha', type: 'config.applied' },
  { atMs: 4_000, station: 'B', device: 'delta', type: 'firmware.flashed', payload: { firmwareVersion: '4.0.1' } },
  { atMs: 4_500, station: 'C', device: 'delta', type: 'certificate.enrolled' },
  { atMs: 5_000, station: 'A', device: 'alpha', type: 'device.commissioned' },
  { atMs: 5_000, station: 'B', device: 'charlie', type: 'device.retired', payload: { wipe: 'verified' } },
  { atMs: 6_000, station: 'B', device: 'bravo', type: 'device.retired', payload: { wipe: 'verified' } },
  { atMs: 7_000, station: 'A', device: 'bravo', type: 'firmware.flashed', payload: { firmwareVersion: '2.1.0' } },
  { atMs: 7_000, station: 'A', device: 'charlie', type: 'config.applied' },
  { atMs: 8_000, station: 'A', device: 'bravo', type: 'device.commissioned' },
  { atMs: 9_000, station: 'B', device: 'alpha', type: 'firmware.flashed', payload: { firmwareVersion: '1.1.0' } },
  { atMs: 10_000, station: 'C', device: 'charlie', type: 'device.recommissioned' },
  { atMs: 11_000, station: 'C', device: 'charlie', type: 'firmware.flashed', payload: { firmwareVersion: '3.1.0' } },
  { atMs: 12_000, station: 'C', device: 'alpha', type: 'device.retired', payload: { wipe: 'verified' } },
  { atMs: 15_000, station: 'A', device: 'alpha', type: 'config.applied' },
  { atMs: 19_000, station: 'A', device: 'echo', type: 'firmware.flashed', payload: { firmwareVersion: '5.0.0' } },
  { atMs: 20_000, station: 'A', device: 'echo', type: 'config.applied' },
  { atMs: 20_000, station: 'B', device: 'echo', type: 'device.failed', payload: { reason: 'brown-out' } },
  { atMs: 21_000, station: 'B', device: 'delta', type: 'note.added', payload: { text: 'label replaced' } },
];

interface Station {
  name: StationName;
  open: OpenStation;
  clock: ManualClock;
  identities: Map<TestServer, TlsIdentity>;
}

let dir: ReturnType<typeof makeTempDir>;
let servers: [TestServer, TestServer];
const stations = new Map<StationName, Station>();

beforeAll(async () => {
  dir = makeTempDir('fieldline-converge-');
  servers = await Promise.all([startTestServer(), startTestServer()]);
  for (const name of ['A', 'B', 'C'] as const) {
    const clock = new ManualClock(T0);
    const open = openStation(`${dir.path}/${name}`, clock);
    // Each data folder enrolls at the first server (stored) and at the second (identity kept here).
    const identities = new Map<TestServer, TlsIdentity>([
      [servers[0], await enrollStation(servers[0], open.dataDir, open.store.stationId)],
      [servers[1], await enrollStationElsewhere(servers[1], open.store.stationId)],
    ]);
    stations.set(name, { name, open, clock, identities });
  }
  // Two embedded servers start at once; on a loaded 2-core machine that alone can take half a minute.
}, 55_000);

afterAll(async () => {
  for (const station of stations.values()) station.open.close();
  await Promise.all(servers.map((server) => server.close()));
  dir.remove();
});

function station(name: StationName): Station {
  const found = stations.get(name);
  if (found === undefined) throw new Error(`no station ${name}`);
  return found;
}

async function syncTo(server: TestServer, order: StationName[]): Promise<void> {
  for (const name of order) {
    const { open, identities } = station(name);
    const identity = identities.get(server);
    if (identity === undefined) throw new Error(`${name} is not enrolled at ${server.url}`);
    // The outbox is per station, not per server: queue the whole chain again for this server.
    open.store.requeueFrom(1);
    const result = await syncOutbox(open.store, new HttpsFleetClient(server.url, identity), AbortSignal.timeout(30_000));
    expect(result.pendingAfter).toBe(0);
  }
}

interface DeviceView {
  id: string;
  state: string;
  firmwareVersion: string | null;
  lastAction: string | null;
  eventCount: number;
  supersededCount: number;
  updatedAt?: string;
}

async function devicesAt(server: TestServer): Promise<DeviceView[]> {
  const identity = station('A').identities.get(server);
  if (identity === undefined) throw new Error('A is not enrolled');
  const page = (await getJsonAsStation(`${server.url}/devices?limit=1000`, identity)) as { devices: DeviceView[]; nextAfter: string | null };
  expect(page.nextAfter).toBeNull();
  // When the server computed it is the only thing that may differ.
  return page.devices.map(({ updatedAt: _updatedAt, ...device }) => device);
}

describe('three stations working offline, then syncing in different orders', () => {
  it('converge to the same device states on two servers, as the projection rule says', async () => {
    for (const entry of STORY) {
      const { open, clock } = station(entry.station);
      clock.set(T0 + entry.atMs);
      open.ledger.append({ actor: `tech-${entry.station}`, deviceId: entry.device, type: entry.type, payload: entry.payload ?? {} });
    }
    await syncTo(servers[0], ['A', 'B', 'C']);
    await syncTo(servers[1], ['C', 'A', 'B']);

    const [first, second] = await Promise.all([devicesAt(servers[0]), devicesAt(servers[1])]);
    expect(second).toEqual(first);

    // echo: equal HLCs, so the smaller event id comes first. config.applied then device.failed ends
    // failed; device.failed then config.applied moves the device forward out of failed: configured.
    const tied = [...station('A').open.store.deviceHistory('echo'), ...station('B').open.store.deviceHistory('echo')].filter((event) => event.hlc.startsWith(String(T0 + 20_000).padStart(15, '0')));
    expect(tied).toHaveLength(2);
    const [firstTied] = [...tied].sort((a, b) => (a.id < b.id ? -1 : 1));
    const echoState = firstTied?.type === 'config.applied' ? 'failed' : 'configured';

    const byId = new Map(first.map((device) => [device.id, device]));
    expect(byId.get('alpha')).toMatchObject({ state: 'retired', firmwareVersion: '1.1.0', lastAction: 'device.retired', eventCount: 8, supersededCount: 1 });
    expect(byId.get('bravo')).toMatchObject({ state: 'retired', firmwareVersion: '2.0.0', lastAction: 'device.retired', eventCount: 5, supersededCount: 2 });
    expect(byId.get('charlie')).toMatchObject({ state: 'provisioned', firmwareVersion: '3.1.0', lastAction: 'firmware.flashed', eventCount: 7, supersededCount: 1 });
    expect(byId.get('delta')).toMatchObject({ state: 'enrolled', firmwareVersion: '4.0.1', lastAction: 'note.added', eventCount: 6, supersededCount: 0 });
    expect(byId.get('echo')).toMatchObject({ state: echoState, firmwareVersion: '5.0.0', eventCount: 4, supersededCount: 0 });
    expect(first).toHaveLength(5);
  });
});
