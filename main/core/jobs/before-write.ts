import { AppError, toAppError } from '../../../shared/errors';
import type { VerifiedBundle } from '../firmware';
import type { FlashedBundle } from './flash-task';

/**
 * Runs a step before anything is written to the device: its errors say so (`isBeforeWrite`) and name
 * the step, so the job records a refusal as harmless and the CLI can exit 4 for a refused bundle.
 */
export async function beforeWrite<T>(step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    const appError = toAppError(error);
    throw new AppError(appError.code, appError.message, {
      cause: appError,
      details: { ...appError.details, step, isBeforeWrite: true },
    });
  }
}

/** Names the failed step on an error thrown after writing started (the job records it against that step). */
export async function duringStep<T>(step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    const appError = toAppError(error);
    if (typeof appError.details?.step === 'string') throw appError;
    throw new AppError(appError.code, appError.message, {
      cause: appError,
      details: { ...appError.details, step },
    });
  }
}

/** What a flash installed, as `firmware.flashed` records it: from the verified bundle and its one image. */
export function describeFlashedBundle(
  bundle: VerifiedBundle,
  image: { file: string; version: string },
): FlashedBundle {
  return {
    bundleSha256: bundle.bundleSha256,
    product: bundle.manifest.product,
    version: image.version,
    securityCounter: bundle.manifest.securityCounter,
    imageFile: image.file,
    signedBy: bundle.signedBy.map((signer) => signer.name),
    isDevelopmentSigned: bundle.signedBy.some((signer) => signer.isDevelopment),
  };
}

/** The checkpoint evidence of `verify-bundle`, the same for every protocol. */
export function bundleEvidence(
  bundle: VerifiedBundle,
  image: { file: string; version: string; imageHash: string },
): { [key: string]: string | boolean | string[] } {
  return {
    bundleSha256: bundle.bundleSha256,
    product: bundle.manifest.product,
    version: image.version,
    imageFile: image.file,
    imageHash: image.imageHash,
    signedBy: bundle.signedBy.map((signer) => signer.name),
    isDevelopmentSigned: bundle.signedBy.some((signer) => signer.isDevelopment),
  };
}
