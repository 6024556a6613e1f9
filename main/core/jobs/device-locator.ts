import type { DeviceRegistry } from '../discovery/device-registry';
import { parseNetworkAddress } from '../discovery/udp-sighting-probe';
import { SMP_SERIAL_DEFAULT_BAUD } from '../drivers/smp/smp-flasher-link';
import type { FlashEndpoint } from './flash-endpoint';

/** Where a device can be reached now, and the hardware id that proves it is the one. */
export interface LocatedDevice {
  /** Endpoints on every transport the device is seen on: serial, UDP, USB DFU, UF2 drive, in that order. */
  endpoints: FlashEndpoint[];
  /** Lower-case hex, when known. */
  hardwareId: string | null;
}

export interface DeviceLocator {
  locate(deviceId: string): LocatedDevice;
}

const ORDER: Record<FlashEndpoint['kind'], number> = { serial: 0, udp: 1, 'usb-dfu': 2, 'uf2-drive': 3 };

/**
 * Finds devices through discovery's registry: a serial sighting is a port to open at the console's
 * baud rate, a network sighting a UDP address (protocols.md §1), a USB sighting a DFU device followed
 * by its serial number (§3; the bus address changes at every re-enumeration), a drive sighting a UF2
 * drive's folder (§4). A device id of the form `hwid:<hex>` names its hardware id even when discovery
 * has not seen the device.
 */
export function registryDeviceLocator(
  registry: DeviceRegistry,
  baudRate = SMP_SERIAL_DEFAULT_BAUD,
): DeviceLocator {
  return {
    locate(deviceId) {
      const live = registry.get(deviceId);
      const fromId = deviceId.startsWith('hwid:') ? deviceId.slice('hwid:'.length).toLowerCase() : null;
      const endpoints: FlashEndpoint[] = [];
      for (const sighting of live?.sightings ?? []) {
        if (sighting.transport === 'serial')
          endpoints.push({ kind: 'serial', path: sighting.address, baudRate });
        if (sighting.transport === 'network') {
          const udp = parseNetworkAddress(sighting.address);
          if (udp !== null) endpoints.push({ kind: 'udp', ...udp });
        }
        // Only a device with a serial number can be followed through DFU's re-enumerations.
        if (sighting.transport === 'usb' && live?.serial)
          endpoints.push({ kind: 'usb-dfu', serialNumber: live.serial });
        if (sighting.transport === 'drive') endpoints.push({ kind: 'uf2-drive', folder: sighting.address });
      }
      endpoints.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
      return { endpoints, hardwareId: live?.hardwareId?.toLowerCase() ?? fromId };
    },
  };
}
