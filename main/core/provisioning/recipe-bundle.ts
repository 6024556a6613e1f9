import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { LoadedRecipe } from '../config/recipe-file';
import { FIRMWARE_LIMITS, verifyBundle, type TrustStore } from '../firmware';

/** The recipe's firmware, verified: what the plan compares with the device and the flash step installs. */
export interface RecipeBundle {
  path: string;
  bundleSha256: string;
  product: string;
  version: string;
  /** The MCUboot image's SHA-256 TLV (hex): what SMP image state reports once it runs. */
  imageHash: string;
}

/** Finds a bundle in the station's firmware library by its SHA-256; absent in tools without one. */
export type LibraryBundleLookup = (bundleSha256: string) => string | null;

/**
 * Resolves the recipe's bundle reference and verifies the bundle (signatures, hashes, expiry) before any
 * plan is made. A missing bundle, one that fails verification, one for another product or without an
 * SMP (MCUboot) image is RECIPE_INVALID naming the recipe and the bundle.
 */
export function loadRecipeBundle(
  recipe: LoadedRecipe,
  options: { trustStore: TrustStore; now: Date; lookup?: LibraryBundleLookup },
): RecipeBundle {
  const reference = recipe.document.bundle;
  const refuse = (message: string, cause?: unknown): never => {
    throw new AppError('RECIPE_INVALID', `${recipe.path}, bundle: ${message}`, {
      details: { file: recipe.path, path: 'bundle', ...(cause instanceof AppError ? { cause: cause.code } : {}) },
      cause,
    });
  };
  let path: string;
  if ('path' in reference) {
    path = resolve(recipe.folder, reference.path);
    const inside = relative(recipe.folder, path);
    if (inside.startsWith('..') || isAbsolute(inside)) refuse(`${reference.path} leaves the recipe's folder`);
  } else {
    const found = options.lookup?.(reference.sha256) ?? null;
    if (found === null) return refuse(`no bundle ${reference.sha256} in the station's firmware library`);
    path = found;
  }
  let bytes: Uint8Array;
  try {
    const size = statSync(path).size;
    if (size > FIRMWARE_LIMITS.bundleBytes) refuse(`${path} is ${size} bytes, more than a bundle may be`);
    bytes = new Uint8Array(readFileSync(path));
  } catch (error: unknown) {
    if (error instanceof AppError) throw error;
    return refuse(`the bundle ${path} is missing or unreadable`, error);
  }
  let verified;
  try {
    verified = verifyBundle(bytes, { trustStore: options.trustStore, now: options.now });
  } catch (error: unknown) {
    const reason = error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
    return refuse(`the bundle ${path} does not verify (${reason})`, error);
  }
  if ('sha256' in reference && verified.bundleSha256 !== reference.sha256)
    refuse(`the library's file for ${reference.sha256} hashes to ${verified.bundleSha256}`);
  const product = recipe.document.match.product;
  if (product !== undefined && verified.manifest.product !== product)
    refuse(`the bundle is for ${verified.manifest.product}, the recipe matches ${product}`);
  const image = verified.images.find((candidate) => candidate.facts.format === 'mcuboot');
  if (image === undefined || image.facts.format !== 'mcuboot')
    return refuse('the bundle has no MCUboot image (only SMP devices are provisioned so far)');
  return {
    path,
    bundleSha256: verified.bundleSha256,
    product: verified.manifest.product,
    version: verified.manifest.version,
    imageHash: image.facts.imageHash.toLowerCase(),
  };
}
