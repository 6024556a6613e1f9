import { hex32, refusal } from '../firmware-refusal';
import type { Manifest } from '../manifest/manifest-schema';
import type { VerifiedImage } from './check-bundle-contents';

/** What the flashing code knows about the device, read over its protocol before anything is written. */
export interface DeviceFacts {
  hardwareId: string;
  hardwareRevision: string;
  /** The device's anti-rollback counter (the highest security counter it has accepted). */
  securityCounter: number;
  /** Size in bytes of each MCUboot slot the device offers, by the manifest's `slot` number. */
  slotSizes: Readonly<Record<number, number>>;
  /** Flash regions for address-targeted images (UF2, DFU); without them such images are refused. */
  flashRegions?: readonly { startAddress: number; sizeBytes: number }[];
}

/**
 * The checks that need only the signed manifest and the device: hardware id and revision
 * (BUNDLE_WRONG_HARDWARE), anti-rollback against the device and the ledger (BUNDLE_ROLLBACK), and
 * each MCUboot or DFU image against its slot or flash region (BUNDLE_TOO_LARGE_FOR_SLOT).
 */
export function checkManifestFitsDevice(manifest: Manifest, device: DeviceFacts, ledgerSecurityCounter: number | null): void {
  const hardware = manifest.hardware.find((entry) => entry.id === device.hardwareId);
  if (!hardware) {
    const ids = manifest.hardware.map((entry) => entry.id).join(', ');
    throw refusal('BUNDLE_WRONG_HARDWARE', 'hardware id', `the device is ${device.hardwareId}; this release is for ${ids}`);
  }
  if (!hardware.revisions.includes(device.hardwareRevision)) {
    throw refusal('BUNDLE_WRONG_HARDWARE', 'hardware revision', `${device.hardwareId} revision ${device.hardwareRevision} is not among ${hardware.revisions.join(', ')}`);
  }
  checkCounter(manifest.securityCounter, 'the manifest', device, ledgerSecurityCounter);
  for (const image of manifest.images) {
    if (image.protocol === 'mcuboot') {
      const slotBytes = device.slotSizes[image.slot];
      if (slotBytes === undefined) throw refusal('BUNDLE_WRONG_HARDWARE', 'slot', `${image.file} targets slot ${image.slot}, which the device does not have`);
      if (image.sizeBytes > slotBytes) {
        throw refusal('BUNDLE_TOO_LARGE_FOR_SLOT', 'slot size', `${image.file} is ${image.sizeBytes} bytes; slot ${image.slot} holds ${slotBytes}`, { file: image.file });
      }
    } else if (image.protocol === 'dfu') {
      checkFlashRange(image.file, image.address, image.sizeBytes - 16, device);
    }
  }
}

/** The checks that need the parsed images: MCUboot security counters, and where UF2 blocks land. */
export function checkImagesFitDevice(images: readonly VerifiedImage[], device: DeviceFacts, ledgerSecurityCounter: number | null): void {
  for (const image of images) {
    if (image.facts.format === 'mcuboot' && image.facts.securityCounter !== undefined) {
      checkCounter(image.facts.securityCounter, `${image.file}'s MCUboot security counter TLV`, device, ledgerSecurityCounter);
    }
    if (image.facts.format === 'uf2' && image.facts.addressStart !== undefined && image.facts.addressEnd !== undefined) {
      checkFlashRange(image.file, image.facts.addressStart, image.facts.addressEnd - image.facts.addressStart, device);
    }
  }
}

function checkCounter(counter: number, source: string, device: DeviceFacts, ledgerSecurityCounter: number | null): void {
  if (counter < device.securityCounter) {
    throw refusal('BUNDLE_ROLLBACK', 'security counter', `${source} has ${counter}, lower than the device's ${device.securityCounter}`);
  }
  if (ledgerSecurityCounter !== null && counter < ledgerSecurityCounter) {
    throw refusal('BUNDLE_ROLLBACK', 'security counter', `${source} has ${counter}, lower than the ${ledgerSecurityCounter} the ledger recorded for this device`);
  }
}

function checkFlashRange(file: string, start: number, sizeBytes: number, device: DeviceFacts): void {
  const regions = device.flashRegions ?? [];
  if (regions.length === 0) throw refusal('BUNDLE_TOO_LARGE_FOR_SLOT', 'flash region', `${file} targets ${hex32(start)} but the device reports no flash regions to check it against`);
  const region = regions.find((candidate) => start >= candidate.startAddress && start < candidate.startAddress + candidate.sizeBytes);
  if (!region) throw refusal('BUNDLE_TOO_LARGE_FOR_SLOT', 'flash region', `${file} starts at ${hex32(start)}, outside the device's flash`, { file });
  const overrun = start + sizeBytes - (region.startAddress + region.sizeBytes);
  if (overrun > 0) {
    throw refusal('BUNDLE_TOO_LARGE_FOR_SLOT', 'flash region', `${file} (${sizeBytes} bytes at ${hex32(start)}) runs ${overrun} bytes past the region at ${hex32(region.startAddress)}`, { file });
  }
}
