import type { Disposable } from '../event-bus';
import type { Logger } from '../ports/logger';
import type { UsbAvailability, UsbBus, UsbDeviceInfo } from '../ports/usb-bus';
import type { DeviceRegistry } from './device-registry';
import { sightingFromUsbDevice } from './usb-sighting';

type SightingSink = Pick<DeviceRegistry, 'report' | 'lost'>;

/** What USB discovery is doing, for diagnostics and tests. */
export type UsbDiscoveryStatus =
  | { state: 'stopped' }
  | { state: 'starting' }
  /** Listening for attach and detach; `reportedAddresses` holds the DFU devices reported now. */
  | { state: 'watching'; reportedAddresses: string[] }
  /** No USB here (protocols.md §9: no bus, or the native driver did not load): a state, not a failure. */
  | {
      state: 'unavailable';
      reason: Extract<UsbAvailability, { isAvailable: false }>['reason'];
      detail: string;
    };

/**
 * USB discovery: every device on the bus with a DFU interface becomes a `usb` sighting at its bus-port
 * address (usb-sighting.ts), reported when it attaches and lost when it detaches. There is no polling:
 * the bus reports hotplug events, and listing opens each device to read its strings, which must not
 * disturb a device a job is flashing. A DFU device's USB serial number is its identity, so the
 * bootloader and the application it reboots into (another PID, same serial; protocols.md §3) stay one
 * registry entry; the registry's grace period covers the gap between detach and attach.
 *
 * A detach is matched to the enumeration it ends by its device number: a re-enumerated device gets a
 * new one, so a late detach of the old enumeration never takes the new one away.
 */
export class UsbDiscovery {
  readonly #bus: UsbBus;
  readonly #registry: SightingSink;
  readonly #logger: Logger;
  /** The enumeration reported at each bus address (DFU devices only). */
  readonly #reported = new Map<string, number>();
  /** Detaches seen while the start-up list was under way: those listed enumerations are already gone. */
  #goneWhileListing: Set<string> | null = null;
  #subscriptions: Disposable[] = [];
  #status: UsbDiscoveryStatus = { state: 'stopped' };
  #starting: Promise<UsbDiscoveryStatus> | undefined;
  #isStopped = false;

  constructor(bus: UsbBus, registry: SightingSink, logger: Logger) {
    this.#bus = bus;
    this.#registry = registry;
    this.#logger = logger;
  }

  /**
   * Checks that USB is available, subscribes to hotplug, and reports the devices already attached.
   * Never rejects: an unavailable bus resolves to the `unavailable` status (the adapter logs why, once).
   */
  start(): Promise<UsbDiscoveryStatus> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  status(): UsbDiscoveryStatus {
    if (this.#status.state !== 'watching') return this.#status;
    return { state: 'watching', reportedAddresses: [...this.#reported.keys()].sort() };
  }

  /** Stops listening and reports every USB sighting lost (the registry's grace period still applies). */
  async stop(): Promise<void> {
    this.#isStopped = true;
    await this.#starting;
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    for (const address of this.#reported.keys()) this.#registry.lost('usb', address);
    this.#reported.clear();
    this.#status = { state: 'stopped' };
  }

  async #start(): Promise<UsbDiscoveryStatus> {
    this.#status = { state: 'starting' };
    let availability: UsbAvailability;
    try {
      availability = await this.#bus.availability();
    } catch (error: unknown) {
      // The port promises a state, not a throw; should an adapter throw anyway, it is the same state.
      availability = { isAvailable: false, reason: 'driver-unavailable', detail: describe(error) };
      this.#logger.warn({ err: error }, 'could not ask whether USB is available');
    }
    if (this.#isStopped) return this.#status;
    if (!availability.isAvailable) {
      this.#status = { state: 'unavailable', reason: availability.reason, detail: availability.detail };
      this.#logger.debug({ reason: availability.reason }, 'USB discovery not running: USB is not available');
      return this.status();
    }
    // Subscribe before listing, so that nothing attached in between is missed.
    this.#subscriptions.push(
      this.#bus.onAttach((device) => this.#attached(device)),
      this.#bus.onDetach((device) => this.#detached(device)),
    );
    this.#goneWhileListing = new Set();
    let listed: UsbDeviceInfo[] = [];
    try {
      listed = await this.#bus.list();
    } catch (error: unknown) {
      this.#logger.warn({ err: error }, 'could not list USB devices; relying on attach events');
    }
    const gone = this.#goneWhileListing;
    this.#goneWhileListing = null;
    if (this.#isStopped) return this.#status;
    for (const device of listed) {
      // An attach event during the listing is newer than the listing; a detach made it stale.
      const isNewer = this.#reported.has(device.address);
      if (!isNewer && !gone.has(enumerationKey(device))) this.#attached(device);
    }
    this.#status = { state: 'watching', reportedAddresses: [] };
    this.#logger.info({ devices: this.#reported.size }, 'USB discovery started');
    return this.status();
  }

  #attached(device: UsbDeviceInfo): void {
    if (this.#isStopped) return;
    const previous = this.#reported.get(device.address);
    if (previous !== undefined && previous !== device.deviceNumber) {
      // Its detach never came (or came out of order): the old enumeration is gone all the same.
      this.#reported.delete(device.address);
      this.#registry.lost('usb', device.address);
    }
    const sighting = sightingFromUsbDevice(device);
    if (!sighting.ok) {
      // Hubs, keyboards, serial bridges: most of a bus is not ours, so this is not worth a warning.
      this.#logger.debug({ address: device.address, reason: sighting.reason }, 'USB device ignored');
      return;
    }
    const deviceId = this.#registry.report(sighting.report);
    this.#reported.set(device.address, device.deviceNumber);
    const fields = {
      address: device.address,
      deviceNumber: device.deviceNumber,
      usbId: `${hex(device.vendorId)}:${hex(device.productId)}`,
      mode: sighting.report.protocol,
      deviceId,
    };
    if (deviceId === null)
      this.#logger.warn(
        fields,
        'DFU device without a USB serial number: cannot tell it from others, not listed',
      );
    else this.#logger.info(fields, 'USB DFU device attached');
  }

  #detached(device: UsbDeviceInfo): void {
    this.#goneWhileListing?.add(enumerationKey(device));
    if (this.#isStopped || this.#reported.get(device.address) !== device.deviceNumber) return;
    this.#reported.delete(device.address);
    this.#registry.lost('usb', device.address);
    this.#logger.info(
      { address: device.address, deviceNumber: device.deviceNumber },
      'USB DFU device detached',
    );
  }
}

function enumerationKey(device: UsbDeviceInfo): string {
  return `${device.address}#${device.deviceNumber}`;
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
