import type { JsonValue } from '../../../shared/contract';
import type { Disposable } from '../event-bus';
import type { AppendRequest } from '../ledger/ledger-service';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';
import type { Logger } from '../ports/logger';
import type { DeviceRegistry, LiveDevice } from './device-registry';

/**
 * Writes `device.discovered` the first time a device is ever seen and `device.identified` the first
 * time its hardware id is read, once per device in the ledger's lifetime: a replug or a move to
 * another port is not news.
 */
export interface DiscoveryLedger {
  append(request: AppendRequest): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
}

export function recordDiscoveries(registry: DeviceRegistry, ledger: DiscoveryLedger, logger: Logger): Disposable {
  return registry.onChanged(({ upserted }) => {
    for (const device of upserted) {
      try {
        recordOnce(ledger, device, 'device.discovered');
        if (device.hardwareId !== null) recordOnce(ledger, device, 'device.identified');
      } catch (error: unknown) {
        // Discovery must go on even if the ledger refuses a write; the failure is logged with its cause.
        logger.error({ err: error, deviceId: device.id }, 'could not record a discovery in the ledger');
      }
    }
  });
}

function recordOnce(ledger: DiscoveryLedger, device: LiveDevice, type: 'device.discovered' | 'device.identified'): void {
  if (ledger.listEvents({ deviceId: device.id, type, limit: 1 }).length > 0) return;
  ledger.append({ actor: 'station', deviceId: device.id, type, payload: describe(device) });
}

function describe(device: LiveDevice): JsonValue {
  const facts: Record<string, JsonValue> = {
    sightings: device.sightings.map((s) => ({ transport: s.transport, address: s.address, protocol: s.protocol })),
  };
  if (device.model !== null) facts.model = device.model;
  if (device.serial !== null) facts.serial = device.serial;
  if (device.hardwareId !== null) facts.hardwareId = device.hardwareId;
  if (device.firmwareVersion !== null) facts.firmwareVersion = device.firmwareVersion;
  return facts;
}
