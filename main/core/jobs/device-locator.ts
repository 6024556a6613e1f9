import type { DeviceRegistry } from '../discovery/device-registry';
import { parseNetworkAddress } from '../discovery/udp-sighting-probe';
import { SMP_SERIAL_DEFAULT_BAUD, type SmpEndpoint } from '../drivers/smp/smp-flasher-link';

/** Where a device can be reached now, and the hardware id that proves it is the one. */
export interface LocatedDevice {
  /** SMP endpoints on every transport the device is seen on, serial first. */
  endpoints: SmpEndpoint[];
  /** Lower-case hex, when known. */
  hardwareId: string | null;
}

export interface DeviceLocator {
  locate(deviceId: string): LocatedDevice;
}

/**
 * Finds devices through discovery's registry: a serial sighting is a port to open at the console's
 * baud rate, a network sighting a UDP address (protocols.md §1). A device id of the form `hwid:<hex>`
 * names its hardware id even when discovery has not seen the device.
 */
export function registryDeviceLocator(
  registry: DeviceRegistry,
  baudRate = SMP_SERIAL_DEFAULT_BAUD,
): DeviceLocator {
  return {
    locate(deviceId) {
      const live = registry.get(deviceId);
      const fromId = deviceId.startsWith('hwid:') ? deviceId.slice('hwid:'.length).toLowerCase() : null;
      const endpoints: SmpEndpoint[] = [];
      for (const sighting of live?.sightings ?? []) {
        if (sighting.transport === 'serial')
          endpoints.push({ kind: 'serial', path: sighting.address, baudRate });
        if (sighting.transport === 'network') {
          const udp = parseNetworkAddress(sighting.address);
          if (udp !== null) endpoints.push({ kind: 'udp', ...udp });
        }
      }
      endpoints.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'serial' ? -1 : 1));
      return { endpoints, hardwareId: live?.hardwareId?.toLowerCase() ?? fromId };
    },
  };
}
