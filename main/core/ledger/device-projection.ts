import type { JsonValue, LedgerEvent } from '../../../shared/contract';
import { nextLifecycleState } from '../../../shared/ledger/lifecycle-rules';
import type { DeviceRecord } from './device-record';

/**
 * Applies one event to a device's record. The lifecycle rule is the one the fleet server applies across
 * stations (shared/ledger/lifecycle-rules.ts): discovery never resets a known device, progress only moves
 * forward, retirement is terminal until `device.recommissioned`. A device whose first event is not a
 * lifecycle event is `new`.
 */
export function projectDevice(current: DeviceRecord | null, event: LedgerEvent): DeviceRecord | null {
  if (event.deviceId === null) return current;
  const facts = readDeviceFacts(event.payload);
  const nextState = nextLifecycleState(current?.state ?? null, event.type).state ?? 'new';
  return {
    id: event.deviceId,
    state: nextState,
    model: facts.model ?? current?.model ?? null,
    serial: facts.serial ?? current?.serial ?? null,
    firmwareVersion: facts.firmwareVersion ?? current?.firmwareVersion ?? null,
    lastEventType: event.type,
    lastEventId: event.id,
    updatedHlc: event.hlc,
  };
}

/** Well-known payload fields that describe the device; anything else in the payload is evidence. */
function readDeviceFacts(payload: JsonValue): { model?: string; serial?: string; firmwareVersion?: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return {};
  const pick = (key: string): string | undefined => {
    const value = payload[key];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const facts: { model?: string; serial?: string; firmwareVersion?: string } = {};
  const model = pick('model');
  const serial = pick('serial');
  const firmwareVersion = pick('firmwareVersion');
  if (model !== undefined) facts.model = model;
  if (serial !== undefined) facts.serial = serial;
  if (firmwareVersion !== undefined) facts.firmwareVersion = firmwareVersion;
  return facts;
}
