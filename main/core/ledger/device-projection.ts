import type { JsonValue, LedgerEvent, LifecycleState } from '../../../shared/contract';
import type { DeviceRecord } from './device-record';

/**
 * Which lifecycle state an event type moves a device into. Types not listed leave the state alone
 * (e.g. `device.identified`, `note.added`). The fleet server applies the same rule across stations.
 */
export const LIFECYCLE_TRANSITIONS: Readonly<Record<string, LifecycleState>> = {
  'device.discovered': 'new',
  'firmware.flashed': 'provisioned',
  'certificate.enrolled': 'enrolled',
  'config.applied': 'configured',
  'device.commissioned': 'in-service',
  'device.failed': 'failed',
  'device.retired': 'retired',
  'device.recommissioned': 'new',
};

/**
 * Applies one event to a device's record. Pure, so the station and tests share it.
 * - Discovery of a known device does not reset its state (replugging is not a new device).
 * - Retirement is terminal: only `device.recommissioned` brings a retired device back.
 */
export function projectDevice(current: DeviceRecord | null, event: LedgerEvent): DeviceRecord | null {
  if (event.deviceId === null) return current;
  const facts = readDeviceFacts(event.payload);
  const nextState = chooseState(current, event.type);
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

function chooseState(current: DeviceRecord | null, type: string): LifecycleState {
  const target = LIFECYCLE_TRANSITIONS[type];
  if (current === null) return target ?? 'new';
  if (current.state === 'retired' && type !== 'device.recommissioned') return 'retired';
  if (type === 'device.discovered') return current.state;
  return target ?? current.state;
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
