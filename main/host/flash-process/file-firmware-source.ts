import { AppError } from '../../../shared/errors';
import { FIRMWARE_LIMITS } from '../../core/firmware';
import type { FirmwareSource } from '../../core/jobs/flash-task';
import { loadTrustStore, readLimitedFile } from '../cli/firmware-files';

/**
 * Reads a task's bundle (size-checked before reading) and its trust store: the task's, else
 * `$FIELDLINE_TRUST_STORE`, else the development store (firmware-files.ts).
 */
export const fileFirmwareSource: FirmwareSource = {
  load(task) {
    try {
      const bundleBytes = readLimitedFile(
        task.bundlePath,
        FIRMWARE_LIMITS.bundleBytes,
        'BUNDLE_ARCHIVE_TOO_LARGE',
      );
      const { store } = loadTrustStore(task.trustStorePath ?? undefined);
      return Promise.resolve({ bundleBytes, trustStore: store });
    } catch (error: unknown) {
      return Promise.reject(
        error instanceof AppError ? error : new AppError('INTERNAL', String(error), { cause: error }),
      );
    }
  },
};
