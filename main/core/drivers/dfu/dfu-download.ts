import { createHash } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports/logger';
import type { DfuFunctionalDescriptor, UsbDeviceHandle } from '../../ports/usb-bus';
import { abortError } from './abortable-wait';
import { DfuInterfaceClient } from './dfu-interface-client';
import { bringToDfuIdle, explainAndClearError } from './dfu-idle-recovery';
import { manifestFirmware, type DfuEndState } from './dfu-manifestation';
import { DFUSE_VERSION, DfuState } from './dfu-protocol';
import { DEFAULT_POLL_LIMITS, expectState, pollWhileBusy, type PollLimits } from './dfu-status-poller';
import { compareReadBack, uploadImage } from './dfu-upload';

export interface DfuProgress {
  phase: 'download' | 'manifest' | 'verify';
  bytesDone: number;
  bytesTotal: number;
}

export interface DfuDownloadOptions {
  /** The DFU-mode interface (bInterfaceProtocol 0x02) and its functional descriptor. */
  interfaceNumber: number;
  alternateSetting?: number;
  functional: DfuFunctionalDescriptor;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: DfuProgress) => void;
  requestTimeoutMs?: number;
  pollLimits?: PollLimits;
  /** Read the image back with UPLOAD when the device can (bitCanUpload and manifestation tolerant); default true. */
  shouldVerify?: boolean;
}

export interface DfuDownloadResult {
  blockCount: number;
  endState: DfuEndState;
  verification: 'verified-by-upload' | 'not-supported' | 'skipped';
  /** SHA-256 (hex) of what UPLOAD read back, when it was read: the evidence that the device holds the image. */
  readBackSha256?: string;
}

/**
 * Downloads `image` (a payload without its DFU suffix) into a device in DFU mode, following
 * protocols.md §3: from dfuIDLE, DNLOAD blocks of wTransferSize numbered from 0, each followed by
 * GETSTATUS polling that sleeps exactly bwPollTimeout until dfuDNLOAD-IDLE; then a zero-length DNLOAD,
 * manifestation, and read-back by UPLOAD where the device allows it. A refusal is read from GETSTATUS
 * and cleared (CLRSTATUS) so a retry starts from dfuIDLE; a cancelled download is ABORTed.
 */
export async function downloadFirmware(
  handle: UsbDeviceHandle,
  image: Uint8Array,
  options: DfuDownloadOptions,
): Promise<DfuDownloadResult> {
  const { functional, logger, signal } = options;
  const transferSize = functional.transferSizeBytes;
  if (!functional.canDownload)
    throw new AppError('DEVICE_REJECTED', 'the device does not accept downloads (bitCanDnload is clear)');
  if (transferSize === 0) throw new AppError('DEVICE_PROTOCOL', 'the device reports wTransferSize 0');
  if (image.length === 0) throw new AppError('INVALID_INPUT', 'the firmware image is empty');
  // DfuSe (bcdDFUVersion 0x011A) gives block 0 to commands and addresses blocks from 2 (protocols.md §3);
  // sending it a plain DFU 1.1 download would write the image's first block as commands.
  if (functional.dfuVersion === DFUSE_VERSION)
    throw new AppError('NOT_IMPLEMENTED', 'ST DfuSe devices (bcdDFUVersion 0x011A) are not supported yet');
  const limits = options.pollLimits ?? DEFAULT_POLL_LIMITS;
  const client = new DfuInterfaceClient(handle, options.interfaceNumber, options.requestTimeoutMs);
  const report = (phase: DfuProgress['phase'], bytesDone: number): void =>
    options.onProgress?.({ phase, bytesDone, bytesTotal: image.length });

  await handle.claimInterface(options.interfaceNumber);
  if (options.alternateSetting !== undefined) {
    await handle.selectAlternateSetting(options.interfaceNumber, options.alternateSetting, {
      timeoutMs: client.requestTimeoutMs,
      ...(signal ? { signal } : {}),
    });
  }
  await bringToDfuIdle(client, limits, logger, signal);

  const blockCount = Math.ceil(image.length / transferSize);
  report('download', 0);
  try {
    for (let block = 0; block < blockCount; block += 1) {
      const start = block * transferSize;
      const data = image.subarray(start, Math.min(start + transferSize, image.length));
      await client.download(block, data, signal);
      const status = await pollWhileBusy(
        client,
        [DfuState.dfuDNLOAD_SYNC, DfuState.dfuDNBUSY],
        limits,
        signal,
      );
      expectState(status, [DfuState.dfuDNLOAD_IDLE], `block ${block}`);
      report('download', start + data.length);
    }
  } catch (error: unknown) {
    throw await recoverFromFailure(client, error, logger, signal);
  }

  report('manifest', image.length);
  const endState = await manifestFirmware(
    client,
    blockCount,
    functional.isManifestationTolerant,
    limits,
    logger,
    signal,
  );
  logger.info({ blockCount, endState }, 'DFU download complete');

  if (options.shouldVerify === false) return { blockCount, endState, verification: 'skipped' };
  if (!functional.canUpload || endState !== 'dfu-idle')
    return { blockCount, endState, verification: 'not-supported' };
  const readBack = await uploadImage(
    client,
    image.length,
    transferSize,
    (bytesDone) => report('verify', bytesDone),
    signal,
  );
  compareReadBack(image, readBack);
  return {
    blockCount,
    endState,
    verification: 'verified-by-upload',
    readBackSha256: createHash('sha256').update(readBack).digest('hex'),
  };
}

/** Turns a failure mid-download into the error to throw, leaving the device in dfuIDLE where it can. */
async function recoverFromFailure(
  client: DfuInterfaceClient,
  error: unknown,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<AppError> {
  if (signal?.aborted === true) {
    // Cancelled by the caller: ABORT (without the fired signal) so the device is idle for the next try.
    try {
      await client.abort();
    } catch (abortFailure: unknown) {
      logger.warn({ error: String(abortFailure) }, 'could not ABORT the DFU download after cancelling');
    }
    return abortError(signal);
  }
  const appError =
    error instanceof AppError ? error : new AppError('INTERNAL', String(error), { cause: error });
  // A device that is gone or silent cannot be asked why; everything else left it in dfuERROR.
  if (appError.code === 'TRANSPORT_CLOSED' || appError.code === 'NOT_FOUND' || appError.code === 'TIMEOUT')
    return appError;
  return explainAndClearError(client, appError, logger);
}
