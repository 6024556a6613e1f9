import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmpClient, type SmpClientOptions } from '../../../../main/core/drivers/smp/smp-client';
import { InMemorySmpLink } from '../../transports/in-memory-smp-link';
import { buildMcubootImage } from './mcuboot-image-builder';
import { parseImageVersion } from './mcuboot-image-format';
import { SMP_DEVICE_DEFAULTS, type SmpDeviceConfig } from './smp-device-config';
import { SmpLabDevice } from './smp-lab-device';

/** Test fixture: a lab device in a temporary state folder with a client on an in-memory link. */
export interface SmpDeviceFixture {
  device: SmpLabDevice;
  client: SmpClient;
  config: SmpDeviceConfig;
  /** Stops the device (keeping the folder) and starts it again on the same state, like a power cycle. */
  powerCycle(): Promise<void>;
  /** Resolves at the device's next boot. */
  nextBoot(): Promise<number>;
  dispose(): Promise<void>;
}

export async function startSmpDeviceFixture(
  overrides: Partial<SmpDeviceConfig> = {},
  clientOptions: SmpClientOptions = {},
): Promise<SmpDeviceFixture> {
  const stateDir = await mkdtemp(join(tmpdir(), 'fieldline-smp-device-'));
  const config: SmpDeviceConfig = {
    ...SMP_DEVICE_DEFAULTS,
    name: 'test-device',
    serialNumber: 'LAB-0001',
    stateDir,
    resetDelayMs: 5,
    bootTimeMs: 5,
    ...overrides,
  };
  const fixture = {
    config,
    device: await SmpLabDevice.start(config),
    client: undefined as unknown as SmpClient,
    async powerCycle() {
      fixture.client.dispose();
      await fixture.device.stop();
      fixture.device = await SmpLabDevice.start(config);
      fixture.client = new SmpClient(new InMemorySmpLink(fixture.device), {
        timeoutMs: 2_000,
        ...clientOptions,
      });
    },
    nextBoot() {
      return new Promise<number>((resolve) => {
        const subscription = fixture.device.onBoot((count) => {
          subscription.dispose();
          resolve(count);
        });
      });
    },
    async dispose() {
      fixture.client.dispose();
      await fixture.device.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  fixture.client = new SmpClient(new InMemorySmpLink(fixture.device), { timeoutMs: 2_000, ...clientOptions });
  return fixture;
}

/** A valid MCUboot image of the given version with a body of `bodyBytes` deterministic bytes. */
export function testImage(version: string, bodyBytes = 20_000): Uint8Array {
  const body = new Uint8Array(bodyBytes).map((_, index) => (index * 13 + version.length) & 0xff);
  return buildMcubootImage({ version: parseImageVersion(version), body });
}
