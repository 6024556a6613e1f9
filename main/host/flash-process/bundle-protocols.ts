import { FIRMWARE_LIMITS, inspectBundle } from '../../core/firmware';
import type { FlashProtocol } from '../../core/jobs/flash-endpoint';
import { loadTrustStore, readLimitedFile } from '../cli/firmware-files';

const PROTOCOL_OF_IMAGE = { mcuboot: 'smp', dfu: 'dfu', uf2: 'uf2' } as const;

/**
 * The protocols a bundle's images are for, read from its manifest without trusting it: only used to
 * choose among the transports of a device seen several ways (job-service.ts). The job verifies the
 * bundle for the device before writing anyway. Null when the file cannot be read or parsed.
 */
export function readBundleProtocols(bundlePath: string): FlashProtocol[] | null {
  try {
    const bytes = readLimitedFile(bundlePath, FIRMWARE_LIMITS.bundleBytes, 'BUNDLE_ARCHIVE_TOO_LARGE');
    const { manifest } = inspectBundle(bytes, loadTrustStore(undefined).store);
    return [...new Set(manifest.images.map((image) => PROTOCOL_OF_IMAGE[image.protocol]))];
  } catch {
    // Routing falls back to the first transport; the job then reports the real problem with the bundle.
    return null;
  }
}
