import type { DeviceFit } from '../../../shared/contract';
import { toAppError } from '../../../shared/errors';
import { checkManifestFitsDevice } from '../firmware/bundle/device-fit';
import type { Manifest } from '../firmware';
import { refusalOf } from './refusal-of';

/** A device the station knows, as the ledger projection and discovery describe it. */
export interface KnownDevice {
  id: string;
  serial: string | null;
  model: string | null;
  firmwareVersion: string | null;
  isConnected: boolean;
}

/** Devices do not report a hardware revision over SMP; a flash job assumes this one unless told. */
export const ASSUMED_REVISION = 'A';

/** Room enough for any image: slot sizes and flash regions are only known from the device itself. */
const UNKNOWN_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Whether a bundle fits a known device, by the firmware code's own manifest checks (hardware id and
 * revision, security counter against the ledger's record), with what the station knows without asking
 * the device: its model (which SMP devices report as the hardware id), revision `A`, and the highest
 * security counter the ledger recorded. Slot sizes and flash regions are checked by the flash job.
 */
export function judgeFit(
  manifest: Manifest,
  device: KnownDevice,
  ledgerSecurityCounter: number | null,
): DeviceFit {
  const base = {
    deviceId: device.id,
    serial: device.serial,
    model: device.model,
    firmwareVersion: device.firmwareVersion,
    isConnected: device.isConnected,
    assumedRevision: ASSUMED_REVISION,
  };
  if (device.model === null) {
    return {
      ...base,
      fits: false,
      refusal: {
        code: 'BUNDLE_WRONG_HARDWARE',
        check: 'hardware id',
        message: 'hardware id: the device has not told its model yet',
      },
    };
  }
  const slotSizes: Record<number, number> = {};
  for (const image of manifest.images) if (image.protocol === 'mcuboot') slotSizes[image.slot] = UNKNOWN_SIZE;
  try {
    checkManifestFitsDevice(
      manifest,
      {
        hardwareId: device.model,
        hardwareRevision: ASSUMED_REVISION,
        // The device's own counter is read when flashing; the ledger's record is what the station knows.
        securityCounter: 0,
        slotSizes,
        flashRegions: [{ startAddress: 0, sizeBytes: UNKNOWN_SIZE }],
      },
      ledgerSecurityCounter,
    );
    return { ...base, fits: true, refusal: null };
  } catch (error: unknown) {
    return { ...base, fits: false, refusal: refusalOf(toAppError(error)) };
  }
}

/** True when the device is of a hardware id the bundle names (worth listing as "does not fit, because…"). */
export function isNamedHardware(manifest: Manifest, device: KnownDevice): boolean {
  return device.model !== null && manifest.hardware.some((entry) => entry.id === device.model);
}
