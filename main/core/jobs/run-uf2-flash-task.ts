import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { copyUf2File } from '../drivers/uf2/flash-uf2-drive';
import { decodeUf2File } from '../drivers/uf2/uf2-block';
import { uf2BoardFamily, type Uf2BoardFamily } from '../drivers/uf2/uf2-board-family';
import { blocksForFamily, compareUf2ReadBack } from '../drivers/uf2/uf2-read-back';
import { waitForDriveEvent } from '../drivers/uf2/wait-for-drive';
import { verifyBundleForDevice, type VerifiedBundle, type VerifiedImage } from '../firmware';
import type { DriveFileAccess, DriveWatcher, Uf2Drive } from '../ports/drive-watcher';
import type { Logger } from '../ports/logger';
import { beforeWrite, bundleEvidence, describeFlashedBundle, duringStep } from './before-write';
import { describeFlashEndpoint, type Uf2DriveEndpoint } from './flash-endpoint';
import type {
  FirmwareSource,
  FlashedDevice,
  FlashTask,
  FlashTaskHooks,
  FlashTaskResult,
  Uf2FlashEvidence,
} from './flash-task';

export interface Uf2FlashTaskDeps {
  drives: DriveWatcher;
  files: DriveFileAccess;
  firmware: FirmwareSource;
  logger: Logger;
  /** How long the drive may take to show up, to take the copy and to come back (default 30 s each). */
  rebootTimeoutMs?: number;
}

/**
 * One flash job's work on a UF2 bootloader drive (protocols.md §4): find the drive at its folder, read
 * INFO_UF2.TXT, verify the bundle for exactly this board before a byte is copied (`verifyBundleForDevice`
 * with its Board-ID and flash window, then the UF2 file's family against the board's), copy the file
 * (fsynced), wait for the board to reboot and come back, and verify through CURRENT.UF2. A board
 * without CURRENT.UF2 cannot be verified: FIRMWARE_VERIFY_FAILED, never a flash recorded on trust.
 */
export async function runUf2FlashTask(
  task: FlashTask & { endpoint: Uf2DriveEndpoint },
  deps: Uf2FlashTaskDeps,
  hooks: FlashTaskHooks,
): Promise<FlashTaskResult> {
  const { signal } = hooks;
  const timeoutMs = deps.rebootTimeoutMs ?? 30_000;
  const transport = describeFlashEndpoint(task.endpoint);
  hooks.onStep('connect');
  const drive = await beforeWrite('connect', () =>
    findDrive(deps.drives, task.endpoint.folder, timeoutMs, signal),
  );
  hooks.onStep('read-device');
  const { device, family } = await beforeWrite('read-device', async () => {
    const facts: FlashedDevice = {
      hardwareId: drive.info.boardId ?? null,
      serial: drive.info.serialNumber ?? null,
      model: drive.info.model,
    };
    const boardFamily = uf2BoardFamily(drive.info);
    await hooks.checkpoint('read-device', {
      ...facts,
      transport,
      bootloader: drive.info.banner,
      familyId: boardFamily?.familyId ?? null,
    });
    return { device: facts, family: boardFamily };
  });
  hooks.onStep('verify-bundle');
  const { verified, image, imageHash } = await beforeWrite('verify-bundle', async () => {
    if (device.hardwareId === null)
      throw refusal(`the drive's INFO_UF2.TXT has no Board-ID, so no release can be matched to it`);
    if (family === null)
      throw refusal(
        `board ${device.hardwareId} names no UF2 family Fieldline knows (no Family-ID, unknown CPU)`,
      );
    const { bundleBytes, trustStore } = await deps.firmware.load(task);
    const bundle = verifyBundleForDevice(bundleBytes, {
      trustStore,
      device: {
        hardwareId: device.hardwareId,
        hardwareRevision: task.hardwareRevision,
        // A UF2 bootloader reports no anti-rollback counter; the ledger's record for this device counts.
        securityCounter: 0,
        slotSizes: {},
        flashRegions: [family.flash],
      },
      ledgerSecurityCounter: task.ledgerSecurityCounter,
      now: new Date(task.nowIso),
    });
    const chosen = uf2ImageOf(bundle);
    const hash = writtenHash(chosen, family);
    await hooks.checkpoint(
      'verify-bundle',
      bundleEvidence(bundle, { file: chosen.file, version: bundle.manifest.version, imageHash: hash }),
    );
    return { verified: bundle, image: chosen, imageHash: hash };
  });

  hooks.onStep('upload');
  hooks.onProgress({ bytesDone: 0, totalBytes: image.bytes.length });
  const returned = await duringStep('upload', () =>
    copyUf2File(deps.drives, deps.files, drive, image.bytes, {
      logger: deps.logger,
      signal,
      rebootTimeoutMs: timeoutMs,
      ignoredHint: `the board ignored it (family 0x${family!.familyId.toString(16)})`,
      onProgress: (phase) => {
        if (phase !== 'reboot') return;
        hooks.onProgress({ bytesDone: image.bytes.length, totalBytes: image.bytes.length });
        hooks.onStep('device-back');
      },
    }),
  );
  await hooks.checkpoint('upload', { bytes: image.bytes.length });
  await hooks.checkpoint('device-back', { folder: returned.folder });
  hooks.onStep('verify-upload');
  const readBack = await duringStep('verify-upload', async () => {
    let current: Uint8Array;
    try {
      current = await deps.files.readFile(returned.folder, 'CURRENT.UF2', signal);
    } catch (error: unknown) {
      if (error instanceof AppError && error.code === 'NOT_FOUND')
        throw new AppError(
          'FIRMWARE_VERIFY_FAILED',
          'the board offers no CURRENT.UF2 to read its flash back; Fieldline records no flash it has not verified',
        );
      throw error;
    }
    return compareUf2ReadBack(decodeUf2File(image.bytes), decodeUf2File(current), family!.familyId);
  });
  await hooks.checkpoint('verify-upload', { readBackSha256: readBack.readBackSha256, imageHash });
  const evidence: Uf2FlashEvidence = {
    protocol: 'uf2',
    imageHash,
    verifiedHash: readBack.readBackSha256,
    verification: 'verified-by-current-uf2',
    familyId: family!.familyId,
    addressStart: readBack.addressStart,
    addressEnd: readBack.addressEnd,
    blockCount: readBack.blockCount,
    transports: [transport],
  };
  return {
    kind: 'confirmed',
    device,
    bundle: describeFlashedBundle(verified, { file: image.file, version: verified.manifest.version }),
    evidence,
  };
}

/** The drive at `folder` now, or the next one to appear there. */
async function findDrive(
  drives: DriveWatcher,
  folder: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Uf2Drive> {
  const appears = waitForDriveEvent(
    (listener) => drives.onAppear(listener),
    (drive) => drive.folder === folder,
    { timeoutMs, signal, timeoutMessage: `no UF2 drive appeared at ${folder} within ${timeoutMs} ms` },
  );
  const present = (await drives.list(signal)).find((drive) => drive.folder === folder);
  if (present !== undefined) {
    appears.cancel();
    return present;
  }
  return appears.promise;
}

/** The one UF2 image of the bundle; anything else is not a UF2 flash. */
function uf2ImageOf(bundle: VerifiedBundle): VerifiedImage {
  const images = bundle.images.filter((image) => image.protocol === 'uf2');
  const [image] = images;
  if (images.length !== 1 || image === undefined)
    throw refusal(`a UF2 drive takes a bundle with exactly one UF2 image; this one has ${images.length}`);
  return image;
}

/** SHA-256 over what the file writes into the board's family; refuses a file with nothing for it. */
function writtenHash(image: VerifiedImage, family: Uf2BoardFamily): string {
  const blocks = blocksForFamily(decodeUf2File(image.bytes), family.familyId);
  if (blocks.length === 0) {
    const families = image.facts.format === 'uf2' ? image.facts.familyIds : [];
    throw refusal(
      `UF2 family: ${image.file} holds blocks for ${families.map((id) => `0x${id.toString(16)}`).join(', ') || 'no family'}, the board is ${family.cpu} (0x${family.familyId.toString(16)})`,
    );
  }
  const hash = createHash('sha256');
  for (const block of blocks) hash.update(block.payload);
  return hash.digest('hex');
}

function refusal(message: string): AppError {
  return new AppError('BUNDLE_WRONG_HARDWARE', message, { details: { check: 'UF2 board' } });
}
