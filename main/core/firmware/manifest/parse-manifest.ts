import { describeZodError } from '../../../../shared/errors';
import { checkBundlePath } from '../archive/entry-path';
import { BUNDLE_ENVELOPE_ENTRY } from '../bundle/bundle-layout';
import { decodeUtf8 } from '../envelope/dsse-envelope';
import { findDuplicateJsonKey } from '../envelope/json-duplicate-keys';
import { jsonNestingDepth } from '../envelope/json-nesting';
import { FIRMWARE_LIMITS } from '../firmware-limits';
import { refusal } from '../firmware-refusal';
import { manifestSchema, type Manifest } from './manifest-schema';

/**
 * Parses the manifest payload: size and nesting limits first (BUNDLE_MANIFEST_TOO_LARGE), then strict
 * UTF-8 and JSON, the schema (BUNDLE_MANIFEST_INVALID naming the field), and path safety of every image
 * file (BUNDLE_UNSAFE_PATH). Callers pass only payload bytes whose signature already verified.
 */
export function parseManifest(payload: Uint8Array): Manifest {
  if (payload.length > FIRMWARE_LIMITS.manifestBytes) {
    throw refusal('BUNDLE_MANIFEST_TOO_LARGE', 'manifest size', `${payload.length} bytes exceeds the ${FIRMWARE_LIMITS.manifestBytes}-byte limit`);
  }
  const text = decodeUtf8(payload);
  if (text === undefined) throw refusal('BUNDLE_MANIFEST_INVALID', 'manifest encoding', 'not valid UTF-8 (or starts with a byte-order mark)');
  if (jsonNestingDepth(text, FIRMWARE_LIMITS.jsonDepth) > FIRMWARE_LIMITS.jsonDepth) {
    throw refusal('BUNDLE_MANIFEST_TOO_LARGE', 'manifest nesting', `nested deeper than ${FIRMWARE_LIMITS.jsonDepth} levels`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error: unknown) {
    throw refusal('BUNDLE_MANIFEST_INVALID', 'manifest JSON', error instanceof Error ? error.message : String(error));
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) throw refusal('BUNDLE_MANIFEST_INVALID', 'manifest JSON', `key ${JSON.stringify(duplicate)} appears twice in one object`);
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw refusal('BUNDLE_MANIFEST_INVALID', 'manifest fields', describeZodError(parsed.error));
  for (const [index, image] of parsed.data.images.entries()) {
    checkBundlePath(image.file, `manifest images.${index}.file`);
    if (image.file === BUNDLE_ENVELOPE_ENTRY) throw refusal('BUNDLE_MANIFEST_INVALID', `manifest images.${index}.file`, `an image cannot be ${BUNDLE_ENVELOPE_ENTRY}`);
  }
  return parsed.data;
}
