import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceSchema, type EventPayload } from '../../shared/contract';
import { openStationRuntime } from '../../main/host/runtime';
import { SERIAL_GLOBS_ENV } from '../../main/host/start-serial-discovery';
import { silentLogger } from '../../main/core/ports/logger';
import { systemClock } from '../../main/core/ports/clock';
import { eventually, openDiscoveryHarness } from './discovery-harness';

type Harness = Awaited<ReturnType<typeof openDiscoveryHarness>>;
const BIN = resolve(import.meta.dirname, '../../bin/fieldline.mjs');

/** Serial discovery as the hosts run it: the station runtime and `fieldline devices --wait`. */
describe('serial discovery in the station runtime and the CLI', () => {
  let harness: Harness;
  let glob: string;
  beforeEach(async () => {
    // Only the lab device (and its folder) from the harness; the runtime runs its own discovery.
    harness = await openDiscoveryHarness(systemClock);
    glob = join(harness.labRoot, '*', 'pty', 'app');
    await harness.startDevice('runtime', { serialNumber: 'DISC-0400', hardwareId: '0400aa' });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('announces a lab device found through the serialGlobs option as devices:changed', async () => {
    const runtime = await openStationRuntime({
      dataDir: join(harness.folder, 'station'),
      host: 'station',
      logger: silentLogger,
      enableMdns: false,
      serialGlobs: [glob],
    });
    try {
      const changes: EventPayload<'devices:changed'>[] = [];
      runtime.onEvent(
        (name, payload) =>
          name === 'devices:changed' && changes.push(payload as EventPayload<'devices:changed'>),
      );
      const announced = await eventually(
        () => changes.flatMap((change) => change.upserted).find((device) => device.id === 'hwid:0400AA'),
        'devices:changed',
      );
      expect(announced).toMatchObject({ serial: 'DISC-0400', sightings: [{ transport: 'serial' }] });
    } finally {
      await runtime.close();
    }
  });

  it('refuses a relative pattern with INVALID_INPUT before starting anything', async () => {
    await expect(
      openStationRuntime({
        dataDir: join(harness.folder, 'bad'),
        host: 'station',
        logger: silentLogger,
        enableMdns: false,
        serialGlobs: ['lab/*'],
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it(`prints the device from \`fieldline devices --wait\` with ${SERIAL_GLOBS_ENV}`, async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [BIN, '--data-dir', join(harness.folder, 'cli'), '--json', 'devices', '--wait', '1.5', '--no-mdns'],
      { env: { ...process.env, [SERIAL_GLOBS_ENV]: `/nonexistent/*,${glob}` } },
    );
    expect(stderr).toBe('');
    const devices = stdout
      .trim()
      .split('\n')
      .map((line) => deviceSchema.parse(JSON.parse(line)));
    expect(devices).toMatchObject([
      {
        id: 'hwid:0400AA',
        serial: 'DISC-0400',
        state: 'new',
        lastAction: 'device.identified',
        sightings: [{ transport: 'serial' }],
      },
    ]);
  });
});
