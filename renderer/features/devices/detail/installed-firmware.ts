import type { LedgerEvent } from '../../../../shared/contract';

/** One MCUboot slot as the flash job recorded it (`firmware.flashed` evidence, `slotsAfter`). */
export interface RecordedSlot {
  slot: number;
  version: string;
  hash: string;
  isActive: boolean;
  isConfirmed: boolean;
  isPending: boolean;
}

export interface InstalledFirmware {
  version: string | null;
  imageHash: string | null;
  /** When it was recorded (the event's HLC), and by which event. */
  eventId: string;
  slots: RecordedSlot[];
}

/** What the ledger says is installed: the newest `firmware.flashed` event in a device's history (newest first). */
export function installedFirmware(events: readonly LedgerEvent[]): InstalledFirmware | null {
  const flashed = events.find((event) => event.type === 'firmware.flashed');
  if (flashed === undefined || !isObject(flashed.payload)) return null;
  const payload = flashed.payload;
  const evidence = isObject(payload.evidence) ? payload.evidence : {};
  const slotsAfter: unknown = evidence.slotsAfter;
  const slots = Array.isArray(slotsAfter) ? (slotsAfter as unknown[]).filter(isObject).flatMap(toSlot) : [];
  return {
    version: stringOr(payload.firmwareVersion) ?? stringOr(payload.version),
    imageHash: stringOr(payload.imageHash),
    eventId: flashed.id,
    slots,
  };
}

function toSlot(value: Record<string, unknown>): RecordedSlot[] {
  if (typeof value.slot !== 'number' || typeof value.version !== 'string' || typeof value.hash !== 'string')
    return [];
  return [
    {
      slot: value.slot,
      version: value.version,
      hash: value.hash,
      isActive: value.isActive === true,
      isConfirmed: value.isConfirmed === true,
      isPending: value.isPending === true,
    },
  ];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
