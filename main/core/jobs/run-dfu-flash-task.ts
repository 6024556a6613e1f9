import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { downloadFirmware, type DfuDownloadResult } from '../drivers/dfu/dfu-download';
import { findDfuInterface } from '../drivers/dfu/dfu-interface';
import { enterDfuMode, leaveDfuMode, type ModeSwitchOptions } from '../drivers/dfu/dfu-mode-switch';
import { dfuSuffixMatchesDevice, parseDfuFile } from '../drivers/dfu/dfu-suffix';
import { bySerialNumber, waitForUsbDevice } from '../drivers/dfu/wait-for-usb-device';
import { verifyBundleForDevice, type VerifiedBundle, type VerifiedImage } from '../firmware';
import type { Logger } from '../ports/logger';
import type { UsbBus, UsbDeviceInfo } from '../ports/usb-bus';
import { beforeWrite, bundleEvidence, describeFlashedBundle, duringStep } from './before-write';
import { describeFlashEndpoint, type UsbDfuEndpoint } from './flash-endpoint';
import type {
  DfuFlashEvidence,
  FirmwareSource,
  FlashedDevice,
  FlashTask,
  FlashTaskHooks,
  FlashTaskResult,
} from './flash-task';

export interface DfuFlashTaskDeps {
  usbBus: UsbBus;
  firmware: FirmwareSource;
  logger: Logger;
  /** How long the device may take to appear, and to re-enumerate at each mode switch (default 10 s). */
  reenumerationTimeoutMs?: number;
}

/**
 * DFU 1.1 reports no memory map (only DfuSe does, in its interface name), so the device's own bounds
 * check decides where an image fits (errADDRESS); the bundle check sees the whole 32-bit space.
 */
const WHOLE_ADDRESS_SPACE = [{ startAddress: 0, sizeBytes: 0x1_0000_0000 }];

/**
 * One flash job's work on a USB DFU device (protocols.md §3), followed by its serial number: find it,
 * switch it to DFU mode (DETACH + reset; no firmware byte moves), read what it is, verify the bundle for
 * exactly this device (`verifyBundleForDevice`, then the DFU suffix's VID/PID against the device) before
 * a single DNLOAD, download, manifest, read back by UPLOAD, and follow it back to run-time mode. Only an
 * UPLOAD read-back equal to the image counts as verified; a device that cannot upload fails
 * FIRMWARE_VERIFY_FAILED rather than being recorded as flashed on trust.
 */
export async function runDfuFlashTask(
  task: FlashTask & { endpoint: UsbDfuEndpoint },
  deps: DfuFlashTaskDeps,
  hooks: FlashTaskHooks,
): Promise<FlashTaskResult> {
  const { signal } = hooks;
  const { serialNumber } = task.endpoint;
  const switchOptions: ModeSwitchOptions = {
    logger: deps.logger,
    reenumerationTimeoutMs: deps.reenumerationTimeoutMs ?? 10_000,
    signal,
  };
  hooks.onStep('connect');
  const { found, dfuDevice } = await beforeWrite('connect', async () => {
    const seen = await waitForUsbDevice(
      deps.usbBus,
      bySerialNumber(serialNumber, (device) => findDfuInterface(device) !== undefined),
      { timeoutMs: switchOptions.reenumerationTimeoutMs, description: `with serial ${serialNumber}`, signal },
    );
    const inDfuMode =
      findDfuInterface(seen)?.mode === 'dfu' ? seen : await enterDfuMode(deps.usbBus, seen, switchOptions);
    return { found: seen, dfuDevice: inDfuMode };
  });
  const target = findDfuInterface(dfuDevice);
  if (target?.mode !== 'dfu')
    throw new AppError('DEVICE_PROTOCOL', `device ${serialNumber} did not come back in DFU mode`, {
      details: { step: 'connect', isBeforeWrite: true },
    });
  const handle = await beforeWrite('connect', () => deps.usbBus.open(dfuDevice, signal));
  let isHandleOwned = true;
  try {
    hooks.onStep('read-device');
    const device = await beforeWrite('read-device', async () => {
      const facts: FlashedDevice = {
        hardwareId: usbHardwareId(dfuDevice),
        serial: serialNumber,
        model: dfuDevice.product?.trim() ?? null,
      };
      await hooks.checkpoint('read-device', {
        ...facts,
        transport: describeFlashEndpoint(task.endpoint),
        foundInMode: findDfuInterface(found)?.mode ?? 'unknown',
        transferSizeBytes: target.functional.transferSizeBytes,
        canUpload: target.functional.canUpload,
        isManifestationTolerant: target.functional.isManifestationTolerant,
        bcdDevice: dfuDevice.bcdDevice,
      });
      return facts;
    });
    hooks.onStep('verify-bundle');
    const { verified, image, payload } = await beforeWrite('verify-bundle', async () => {
      const { bundleBytes, trustStore } = await deps.firmware.load(task);
      const bundle = verifyBundleForDevice(bundleBytes, {
        trustStore,
        device: {
          hardwareId: device.hardwareId!,
          hardwareRevision: task.hardwareRevision,
          // DFU reports no anti-rollback counter; the ledger's record for this device counts here.
          securityCounter: 0,
          slotSizes: {},
          flashRegions: WHOLE_ADDRESS_SPACE,
        },
        ledgerSecurityCounter: task.ledgerSecurityCounter,
        now: new Date(task.nowIso),
      });
      const chosen = dfuImageOf(bundle);
      const file = parseDfuFile(chosen.bytes);
      const suitsFound =
        findDfuInterface(found)?.mode === 'runtime' && dfuSuffixMatchesDevice(file.suffix, found);
      if (!dfuSuffixMatchesDevice(file.suffix, dfuDevice) && !suitsFound) {
        throw new AppError(
          'BUNDLE_WRONG_HARDWARE',
          `DFU suffix: ${chosen.file} is for ${hexId(file.suffix.vendorId, file.suffix.productId)}, the device is ${device.hardwareId}`,
          { details: { check: 'DFU suffix', file: chosen.file } },
        );
      }
      const imageHash = sha256(file.payload);
      await hooks.checkpoint(
        'verify-bundle',
        bundleEvidence(bundle, { file: chosen.file, version: bundle.manifest.version, imageHash }),
      );
      return { verified: bundle, image: chosen, payload: file.payload };
    }).catch(async (error: unknown) => {
      // Refused: put a device that was running its application back there (it was not written to).
      if (findDfuInterface(found)?.mode === 'runtime') {
        isHandleOwned = false;
        await leaveDfuMode(deps.usbBus, handle, { ...switchOptions, isAlreadyGone: false }).catch(
          (failure: unknown) =>
            deps.logger.warn({ err: failure }, 'could not reset the device back to its application'),
        );
      }
      throw error;
    });

    hooks.onStep('upload');
    const download: DfuDownloadResult = await duringStep('upload', () =>
      downloadFirmware(handle, payload, {
        interfaceNumber: target.interfaceNumber,
        alternateSetting: target.alternateSetting,
        functional: target.functional,
        logger: deps.logger,
        signal,
        onProgress: (progress) => {
          if (progress.phase === 'download')
            hooks.onProgress({ bytesDone: progress.bytesDone, totalBytes: progress.bytesTotal });
          if (progress.phase === 'verify') hooks.onStep('verify-upload');
        },
      }),
    );
    const imageHash = sha256(payload);
    await hooks.checkpoint('upload', { blockCount: download.blockCount, endState: download.endState });
    if (download.verification !== 'verified-by-upload' || download.readBackSha256 !== imageHash) {
      throw new AppError(
        'FIRMWARE_VERIFY_FAILED',
        `the device cannot read its image back (DFU UPLOAD: ${download.verification}); Fieldline records no flash it has not verified`,
        { details: { step: 'verify-upload', verification: download.verification } },
      );
    }
    await hooks.checkpoint('verify-upload', { readBackSha256: download.readBackSha256, imageHash });
    hooks.onStep('device-back');
    isHandleOwned = false;
    const runtimeDevice = await duringStep('device-back', () =>
      leaveDfuMode(deps.usbBus, handle, {
        ...switchOptions,
        isAlreadyGone: download.endState === 'left-the-bus',
      }),
    );
    await hooks.checkpoint('device-back', {
      runtimeId: usbHardwareId(runtimeDevice),
      address: runtimeDevice.address,
    });
    const evidence: DfuFlashEvidence = {
      protocol: 'dfu',
      imageHash,
      verifiedHash: download.readBackSha256,
      verification: 'verified-by-upload',
      imageBytes: payload.length,
      blockCount: download.blockCount,
      transferSizeBytes: target.functional.transferSizeBytes,
      dfuModeId: device.hardwareId!,
      runtimeId: usbHardwareId(runtimeDevice),
      transports: [describeFlashEndpoint(task.endpoint)],
    };
    return {
      kind: 'confirmed',
      device,
      bundle: describeFlashedBundle(verified, { file: image.file, version: verified.manifest.version }),
      evidence,
    };
  } finally {
    if (isHandleOwned) await handle.close();
  }
}

/** `usb:1209:0001`: how a bundle's manifest names USB DFU hardware (VID:PID of the device in DFU mode). */
export function usbHardwareId(device: Pick<UsbDeviceInfo, 'vendorId' | 'productId'>): string {
  return `usb:${hexId(device.vendorId, device.productId)}`;
}

function hexId(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}

/** The one DFU image of the bundle; anything else is not a DFU flash. */
function dfuImageOf(bundle: VerifiedBundle): VerifiedImage {
  const images = bundle.images.filter((image) => image.protocol === 'dfu');
  const [image] = images;
  if (images.length !== 1 || image === undefined) {
    throw new AppError(
      'BUNDLE_WRONG_HARDWARE',
      `A USB DFU device takes a bundle with exactly one DFU image; this one has ${images.length}`,
      { details: { check: 'protocol' } },
    );
  }
  return image;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
