import type { Transport } from '../../../shared/contract';

/**
 * Identifiers a transport can read from a device. Any of them names the same physical unit, so the
 * registry links them: a device first seen by its USB serial number and later by its SMP hardware id
 * (which reports the same serial) stays one device.
 */
export interface DeviceIdentifiers {
  /** Hardware id read over the device protocol (SMP identity, DFU serial string). */
  hardwareId?: string;
  /** The unit's serial number: USB iSerialNumber, mDNS TXT `serial`, SMP identity `serial`. */
  serial?: string;
}

/** What one adapter saw at one address. */
export interface SightingReport {
  transport: Transport;
  /** Port path, USB bus id, host:port or mount folder: unique per transport. */
  address: string;
  identifiers: DeviceIdentifiers;
  model?: string;
  firmwareVersion?: string;
  /** Protocol and mode, e.g. `smp`, `dfu`, `uf2`; a device in its bootloader is still the same device. */
  protocol?: string;
}

/** Normalised alias keys for identifiers; serials compare case-insensitively and without spaces. */
export function aliasKeys(identifiers: DeviceIdentifiers): string[] {
  const keys: string[] = [];
  const normalise = (value: string): string => value.trim().replace(/\s+/g, '').toUpperCase();
  if (identifiers.hardwareId !== undefined && identifiers.hardwareId.trim() !== '') keys.push(`hwid:${normalise(identifiers.hardwareId)}`);
  if (identifiers.serial !== undefined && identifiers.serial.trim() !== '') keys.push(`serial:${normalise(identifiers.serial)}`);
  return keys;
}
