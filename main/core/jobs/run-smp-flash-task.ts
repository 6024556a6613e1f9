import { AppError } from '../../../shared/errors';
import { readImageState } from '../drivers/smp/image-commands';
import { readOsInfo } from '../drivers/smp/os-commands';
import { SmpFlasher, type SmpFlashTarget } from '../drivers/smp/smp-flasher';
import { describeSmpEndpoint, type SmpEndpoint, type SmpLinkPorts } from '../drivers/smp/smp-flasher-link';
import { SmpFlashSession } from '../drivers/smp/smp-flasher-session';
import { readImageSlotSizes, slotEvidence } from '../drivers/smp/smp-flasher-slot-info';
import { verifyBundleForDevice, type VerifiedBundle } from '../firmware';
import type { Logger } from '../ports/logger';
import { beforeWrite } from './before-write';
import { isSmpEndpoint } from './flash-endpoint';
import type {
  FirmwareSource,
  FlashedBundle,
  FlashedDevice,
  FlashTask,
  FlashTaskHooks,
  FlashTaskResult,
} from './flash-task';

export interface SmpFlashTaskDeps {
  ports: SmpLinkPorts;
  firmware: FirmwareSource;
  logger: Logger;
  /** Request timeout of the SMP client (default 3 s) and how long a reset device may take to come back. */
  requestTimeoutMs?: number;
  reappearTimeoutMs?: number;
}

/** Slot sizes when the device cannot tell them (no slot info): the device's own size check decides. */
const UNKNOWN_SLOT_SIZES = { 0: Number.MAX_SAFE_INTEGER, 1: Number.MAX_SAFE_INTEGER };

/**
 * One flash job's work on an SMP device: connect (by identity), read what the device is and holds,
 * verify the bundle for exactly this device before a single byte is written (`verifyBundleForDevice`),
 * then run the SMP flasher. Errors carry the failed `step`, and `isBeforeWrite` while nothing was sent.
 */
export async function runSmpFlashTask(
  task: FlashTask & { endpoint: SmpEndpoint },
  deps: SmpFlashTaskDeps,
  hooks: FlashTaskHooks,
): Promise<FlashTaskResult> {
  const { signal } = hooks;
  const session = new SmpFlashSession({
    ports: deps.ports,
    endpoint: task.endpoint,
    expectedHardwareId: task.expectedHardwareId,
    locate: async () => (await hooks.locate()).filter(isSmpEndpoint),
    logger: deps.logger,
    ...(deps.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: deps.requestTimeoutMs }),
    ...(deps.reappearTimeoutMs === undefined ? {} : { reappearTimeoutMs: deps.reappearTimeoutMs }),
  });
  try {
    hooks.onStep('connect');
    await beforeWrite('connect', () => session.connect(signal));
    hooks.onStep('read-device');
    const { device, slotSizes } = await beforeWrite('read-device', async () => {
      const slots = await readImageState(session.client, signal);
      const sizes = await readImageSlotSizes(session.client, 0, signal);
      const identity = session.identity;
      const model = identity?.model ?? (await readOsInfo(session.client, 'i', signal).catch(() => null));
      const facts: FlashedDevice = {
        hardwareId: identity?.hardwareId ?? null,
        serial: identity?.serial ?? null,
        model: model === null ? null : model.trim(),
      };
      await hooks.checkpoint('read-device', {
        ...facts,
        transport: describeSmpEndpoint(session.endpoint),
        bufSizeBytes: session.params.bufSizeBytes,
        bufCount: session.params.bufCount,
        slots: slotEvidence(slots).map((slot) => ({ ...slot })),
      });
      return { device: facts, slotSizes: sizes };
    });
    hooks.onStep('verify-bundle');
    const { verified, target } = await beforeWrite('verify-bundle', async () => {
      const { bundleBytes, trustStore } = await deps.firmware.load(task);
      if (device.model === null)
        throw new AppError('BUNDLE_WRONG_HARDWARE', 'The device does not tell its model');
      const bundle = verifyBundleForDevice(bundleBytes, {
        trustStore,
        device: {
          hardwareId: device.model,
          hardwareRevision: task.hardwareRevision,
          // SMP does not report MCUboot's hardware counter; the device enforces it, the ledger's counts here.
          securityCounter: 0,
          slotSizes: slotSizes ?? UNKNOWN_SLOT_SIZES,
        },
        ledgerSecurityCounter: task.ledgerSecurityCounter,
        now: new Date(task.nowIso),
      });
      const chosen = smpTarget(bundle);
      await hooks.checkpoint('verify-bundle', {
        bundleSha256: bundle.bundleSha256,
        product: bundle.manifest.product,
        version: chosen.version,
        imageHash: chosen.imageHash,
        signedBy: bundle.signedBy.map((signer) => signer.name),
        isDevelopmentSigned: bundle.signedBy.some((signer) => signer.isDevelopment),
      });
      return { verified: bundle, target: chosen };
    });
    const flasher = new SmpFlasher(session, target, task.memory, {
      signal,
      onStep: (step) => hooks.onStep(step),
      onProgress: (progress) => hooks.onProgress(progress),
      checkpoint: (step, evidence) => hooks.checkpoint(step, evidence),
    });
    const outcome = await flasher.run();
    const bundle = describeBundle(verified, target);
    return outcome.kind === 'confirmed'
      ? { kind: 'confirmed', device, bundle, evidence: outcome.evidence }
      : {
          kind: 'reverted',
          reason: outcome.reason,
          detail: outcome.detail,
          device,
          bundle,
          evidence: outcome.evidence,
        };
  } finally {
    await session.close();
  }
}

/** The one MCUboot image of the bundle, for slot 1 of image 0 (the only layout the SMP flasher writes). */
function smpTarget(bundle: VerifiedBundle): SmpFlashTarget & { file: string } {
  const images = bundle.images.filter((image) => image.protocol === 'mcuboot');
  const image = images[0];
  if (images.length !== 1 || image === undefined || image.facts.format !== 'mcuboot') {
    throw new AppError(
      'NOT_IMPLEMENTED',
      `An SMP flash takes a bundle with exactly one MCUboot image; this one has ${images.length}`,
    );
  }
  if (image.protocol === 'mcuboot' && image.slot !== 1) {
    throw new AppError(
      'NOT_IMPLEMENTED',
      `${image.file} targets slot ${image.slot}; SMP uploads go to slot 1 (the secondary)`,
    );
  }
  return {
    bytes: image.bytes,
    imageHash: image.facts.imageHash,
    version: image.facts.version,
    file: image.file,
  };
}

function describeBundle(bundle: VerifiedBundle, target: SmpFlashTarget & { file: string }): FlashedBundle {
  return {
    bundleSha256: bundle.bundleSha256,
    product: bundle.manifest.product,
    version: target.version,
    securityCounter: bundle.manifest.securityCounter,
    imageFile: target.file,
    signedBy: bundle.signedBy.map((signer) => signer.name),
    isDevelopmentSigned: bundle.signedBy.some((signer) => signer.isDevelopment),
  };
}
