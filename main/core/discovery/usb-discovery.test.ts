import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { ManualClock } from '../../test-support/manual-clock';
import {
  encodeDfuFunctionalDescriptor,
  findDfuFunctionalDescriptor,
} from '../drivers/dfu/dfu-functional-descriptor';
import type { Disposable } from '../event-bus';
import type { Logger } from '../ports/logger';
import type { UsbAvailability, UsbBus, UsbDeviceInfo, UsbInterfaceInfo } from '../ports/usb-bus';
import { DeviceRegistry, type RegistryChange } from './device-registry';
import { UsbDiscovery } from './usb-discovery';

const functional = findDfuFunctionalDescriptor(
  encodeDfuFunctionalDescriptor({
    canDownload: true,
    canUpload: true,
    isManifestationTolerant: true,
    willDetach: false,
    detachTimeoutMs: 1000,
    transferSizeBytes: 1024,
    dfuVersion: 0x0110,
  }),
)!;
const dfuInterface = (protocol: 1 | 2): UsbInterfaceInfo => ({
  interfaceNumber: 0,
  alternateSetting: 0,
  interfaceClass: 0xfe,
  interfaceSubclass: 1,
  interfaceProtocol: protocol,
  dfuFunctional: functional,
});
const massStorage: UsbInterfaceInfo = {
  interfaceNumber: 0,
  alternateSetting: 0,
  interfaceClass: 0x08,
  interfaceSubclass: 6,
  interfaceProtocol: 0x50,
};

/** One enumeration: the bootloader (PID 1, DFU mode) or the application (PID 2, run-time), same serial. */
function enumeration(mode: 'dfu' | 'runtime' | 'other', extra: Partial<UsbDeviceInfo> = {}): UsbDeviceInfo {
  const interfaces = mode === 'other' ? [massStorage] : [dfuInterface(mode === 'dfu' ? 2 : 1)];
  return {
    address: '1-2',
    deviceNumber: 5,
    vendorId: 0x1209,
    productId: mode === 'dfu' ? 1 : 2,
    bcdDevice: 0x100,
    deviceClass: 0,
    serialNumber: 'FL-USB-1',
    product: mode === 'dfu' ? 'Lab DFU Bootloader' : 'Lab Sensor',
    configuration: { configurationValue: 1, interfaces },
    ...extra,
  };
}

/** A bus in memory: what it lists, and attach/detach fired by the test. */
class FakeUsbBus implements UsbBus {
  listed: UsbDeviceInfo[] = [];
  availabilityAnswer: UsbAvailability = { isAvailable: true };
  listCalls = 0;
  /** Runs while `list()` is under way, before it answers (to fire events mid-listing). */
  duringList: (() => void) | undefined;
  readonly attachListeners = new Set<(device: UsbDeviceInfo) => void>();
  readonly detachListeners = new Set<(device: UsbDeviceInfo) => void>();

  availability(): Promise<UsbAvailability> {
    return Promise.resolve(this.availabilityAnswer);
  }
  async list(): Promise<UsbDeviceInfo[]> {
    this.listCalls += 1;
    const snapshot = [...this.listed];
    await Promise.resolve();
    this.duringList?.();
    return snapshot;
  }
  onAttach(listener: (device: UsbDeviceInfo) => void): Disposable {
    this.attachListeners.add(listener);
    return { dispose: () => this.attachListeners.delete(listener) };
  }
  onDetach(listener: (device: UsbDeviceInfo) => void): Disposable {
    this.detachListeners.add(listener);
    return { dispose: () => this.detachListeners.delete(listener) };
  }
  open(): never {
    throw new AppError('NOT_FOUND', 'discovery never opens a device');
  }
  attach(device: UsbDeviceInfo): void {
    this.listed = [...this.listed.filter((other) => other.address !== device.address), device];
    for (const listener of [...this.attachListeners]) listener(device);
  }
  detach(device: UsbDeviceInfo): void {
    this.listed = this.listed.filter((other) => other.address !== device.address);
    for (const listener of [...this.detachListeners]) listener(device);
  }
}

interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(entries: LogEntry[]): Logger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    entries.push({ level, message, fields });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

let discovery: UsbDiscovery | undefined;
afterEach(async () => {
  await discovery?.stop();
  discovery = undefined;
});

function setUp() {
  const clock = new ManualClock(0);
  const registry = new DeviceRegistry(clock, 1_000);
  const bus = new FakeUsbBus();
  const log: LogEntry[] = [];
  const changes: RegistryChange[] = [];
  registry.onChanged((change) => changes.push(change));
  discovery = new UsbDiscovery(bus, registry, recordingLogger(log));
  return { clock, registry, bus, log, changes, discovery };
}

describe('UsbDiscovery', () => {
  it('reports DFU devices attached before start and after, keyed by USB serial; other devices are ignored quietly', async () => {
    const { registry, bus, log, discovery } = setUp();
    bus.listed = [enumeration('dfu'), enumeration('other', { address: '1-1', serialNumber: 'DISK' })];
    expect(await discovery.start()).toEqual({ state: 'watching', reportedAddresses: ['1-2'] });
    expect(registry.list()).toMatchObject([
      {
        id: 'serial:FL-USB-1',
        serial: 'FL-USB-1',
        model: 'Lab DFU Bootloader',
        sightings: [{ transport: 'usb', address: '1-2', protocol: 'dfu' }],
      },
    ]);
    bus.attach(enumeration('runtime', { address: '1-3', deviceNumber: 9, serialNumber: 'FL-USB-2' }));
    expect(registry.list().map((device) => device.id)).toEqual(['serial:FL-USB-1', 'serial:FL-USB-2']);
    expect(log.filter((entry) => entry.level === 'warn')).toEqual([]);
    expect(log.find((entry) => entry.message === 'USB device ignored')?.fields).toMatchObject({
      address: '1-1',
      reason: expect.stringContaining('no DFU interface') as unknown,
    });
  });

  it('keeps one device across DFU ↔ run-time re-enumeration (new PID and device number, same serial)', async () => {
    const { clock, registry, bus, changes, discovery } = setUp();
    const bootloader = enumeration('dfu');
    bus.listed = [bootloader];
    await discovery.start();
    // Manifestation done, bus reset: the bootloader leaves and the application enumerates.
    clock.advance(10);
    bus.detach(bootloader);
    clock.advance(200);
    const application = enumeration('runtime', { deviceNumber: 6 });
    bus.attach(application);
    clock.advance(5_000);
    registry.expire();
    expect(registry.list()).toMatchObject([
      {
        id: 'serial:FL-USB-1',
        model: 'Lab Sensor',
        sightings: [{ transport: 'usb', address: '1-2', protocol: 'runtime' }],
      },
    ]);
    // DETACH + reset: back into the bootloader, still the same entry.
    bus.detach(application);
    bus.attach(enumeration('dfu', { deviceNumber: 7 }));
    registry.expire();
    expect(registry.list()).toMatchObject([{ id: 'serial:FL-USB-1', sightings: [{ protocol: 'dfu' }] }]);
    expect(changes.flatMap((change) => change.removedIds)).toEqual([]);
  });

  it('ignores a late detach of an old enumeration, and replaces one whose detach never came', async () => {
    const { clock, registry, bus, discovery } = setUp();
    const first = enumeration('dfu');
    await discovery.start();
    bus.attach(first);
    // The new enumeration is seen first; the old one's detach arrives afterwards.
    bus.attach(enumeration('runtime', { deviceNumber: 6 }));
    bus.detach(first);
    clock.advance(5_000);
    registry.expire();
    expect(registry.list()).toMatchObject([{ id: 'serial:FL-USB-1', sightings: [{ protocol: 'runtime' }] }]);
    expect(discovery.status()).toEqual({ state: 'watching', reportedAddresses: ['1-2'] });
  });

  it('reports a detached device lost; it leaves the list after the grace period, not before', async () => {
    const { clock, registry, bus, changes, discovery } = setUp();
    const device = enumeration('dfu');
    bus.listed = [device];
    await discovery.start();
    bus.detach(device);
    clock.advance(999);
    registry.expire();
    expect(registry.list()).toHaveLength(1);
    clock.advance(1);
    registry.expire();
    expect(registry.list()).toEqual([]);
    expect(changes.at(-1)).toEqual({ upserted: [], removedIds: ['serial:FL-USB-1'] });
    expect(discovery.status()).toEqual({ state: 'watching', reportedAddresses: [] });
  });

  it('warns about a DFU device without a serial number and does not list it', async () => {
    const { registry, bus, log, discovery } = setUp();
    await discovery.start();
    bus.attach(enumeration('dfu', { serialNumber: undefined }));
    expect(registry.list()).toEqual([]);
    expect(log.filter((entry) => entry.level === 'warn')).toMatchObject([
      {
        message: expect.stringContaining('without a USB serial number') as unknown,
        fields: { address: '1-2', usbId: '1209:0001', mode: 'dfu' },
      },
    ]);
  });

  it('does not report a device that detached while the start-up listing was under way', async () => {
    const { registry, bus, discovery } = setUp();
    const device = enumeration('dfu');
    bus.listed = [device];
    bus.duringList = () => bus.detach(device);
    await discovery.start();
    expect(registry.list()).toEqual([]);
  });

  it('on a machine without USB: the unavailable state, no listing, no subscription', async () => {
    const { bus, discovery } = setUp();
    bus.availabilityAnswer = {
      isAvailable: false,
      reason: 'no-usb-bus',
      detail: '/sys/bus/usb/devices does not exist',
    };
    expect(await discovery.start()).toEqual({
      state: 'unavailable',
      reason: 'no-usb-bus',
      detail: '/sys/bus/usb/devices does not exist',
    });
    expect(bus.listCalls).toBe(0);
    expect(bus.attachListeners.size + bus.detachListeners.size).toBe(0);
  });

  it('stop() unsubscribes and reports every USB sighting lost', async () => {
    const { clock, registry, bus, discovery } = setUp();
    bus.listed = [enumeration('dfu')];
    await discovery.start();
    await discovery.stop();
    expect(bus.attachListeners.size + bus.detachListeners.size).toBe(0);
    bus.attach(enumeration('dfu', { address: '1-4', serialNumber: 'LATE' }));
    clock.advance(1_000);
    registry.expire();
    expect(registry.list()).toEqual([]);
    expect(discovery.status()).toEqual({ state: 'stopped' });
  });
});
