import { AppError } from '../../../../shared/errors';
import type { SmpMap } from './smp-cbor';
import { SmpGroup } from './smp-header';

/** SMP-level `rc` names (protocols.md §1, "Errors"). */
export const SMP_RC_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'UNKNOWN',
  2: 'NOMEM',
  3: 'INVAL',
  4: 'TIMEOUT',
  5: 'NOENT',
  6: 'BADSTATE',
  7: 'MSGSIZE',
  8: 'NOTSUP',
  9: 'CORRUPT',
  10: 'BUSY',
  11: 'ACCESSDENIED',
  12: 'TOO_OLD',
  13: 'TOO_NEW',
};

/** SMP-level rc values the lab and the client refer to by name. */
export const SmpRc = {
  ok: 0,
  unknown: 1,
  noMemory: 2,
  invalid: 3,
  timeout: 4,
  noEntry: 5,
  badState: 6,
  messageSize: 7,
  notSupported: 8,
  corrupt: 9,
  busy: 10,
  accessDenied: 11,
  tooOld: 12,
  tooNew: 13,
} as const;

/** Image group `err.rc` values (Zephyr `img_mgmt_err_code_t`; protocols.md §1 lists the common ones). */
export const ImageErrorRc = {
  unknown: 1,
  noImage: 3,
  hashNotFound: 8,
  noFreeSlot: 9,
  invalidSlot: 14,
  invalidOffset: 20,
  invalidLength: 21,
  invalidImageHeader: 22,
  invalidImageHeaderMagic: 23,
  invalidHash: 24,
  currentVersionIsNewer: 27,
  imageAlreadyPending: 28,
  invalidImageTooLarge: 30,
  invalidImageDataOverrun: 31,
  imageConfirmationDenied: 32,
  imageSettingTestToActiveDenied: 33,
} as const;

/** Settings group `err.rc` values (Zephyr `settings_mgmt_ret_code_t`). */
export const SettingsErrorRc = { unknown: 1, keyTooLong: 2, keyNotFound: 3, readNotSupported: 4 } as const;

/** File-system group 8 `err.rc` values (Zephyr `fs_mgmt_err_code_t`). */
export const FileSystemErrorRc = {
  unknown: 1,
  fileInvalidName: 2,
  fileNotFound: 3,
  fileIsDirectory: 4,
  fileOpenFailed: 5,
  fileSeekFailed: 6,
  fileReadFailed: 7,
  fileTruncateFailed: 8,
  fileDeleteFailed: 9,
  fileWriteFailed: 10,
  /** The upload offset is not the file's length; the answer carries that length as `len`. */
  fileOffsetNotValid: 11,
  fileOffsetLargerThanFile: 12,
  checksumHashNotFound: 13,
  mountPointNotFound: 14,
  readOnlyFilesystem: 15,
  fileEmpty: 16,
} as const;

/** Zephyr basic group 63 `err.rc` values (Zephyr `zephyrbasic_group_err_code_t`). */
export const ZephyrBasicErrorRc = {
  unknown: 1,
  flashOpenFailed: 2,
  flashConfigQueryFail: 3,
  flashEraseFailed: 4,
} as const;

/** Fieldline identity group 64 `err.rc` values (README.md, "Group 64: device identity"). */
export const IdentityErrorRc = {
  unknown: 1,
  /** Certificate install before a key pair was generated (or after zeroize). */
  noKey: 2,
  /** Certificate read when none is installed. */
  noCertificate: 3,
  unsupportedAlgorithm: 4,
  invalidSubject: 5,
  invalidCertificate: 6,
  /** The leaf certificate's public key is not the device's. */
  keyMismatch: 7,
  chainTooLong: 8,
} as const;

const GROUP_ERROR_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [SmpGroup.image]: invert(ImageErrorRc),
  [SmpGroup.settings]: invert(SettingsErrorRc),
  [SmpGroup.fileSystem]: invert(FileSystemErrorRc),
  [SmpGroup.zephyrBasic]: invert(ZephyrBasicErrorRc),
  [SmpGroup.fieldlineIdentity]: invert(IdentityErrorRc),
};

/** What a response body says about success: v1 `rc`, v2 `err: {group, rc}`, or neither. */
export type SmpStatus =
  | { kind: 'ok' }
  | { kind: 'smp-error'; rc: number; reason?: string }
  | { kind: 'group-error'; group: number; rc: number };

/**
 * Reads the status of a response body (protocols.md §1, "Errors"): a map without `rc`/`err` (or with
 * `rc: 0`) is success. A malformed `rc` or `err` is itself a protocol error.
 */
export function readSmpStatus(body: SmpMap): SmpStatus {
  const { rc, err, rsn } = body;
  if (err !== undefined) {
    if (typeof err !== 'object' || err === null || Array.isArray(err) || err instanceof Uint8Array) {
      throw new AppError('DEVICE_PROTOCOL', 'SMP response field "err" is not a map');
    }
    const group = err.group;
    const groupRc = err.rc;
    if (!isSmallInteger(group) || !isSmallInteger(groupRc)) {
      throw new AppError('DEVICE_PROTOCOL', 'SMP response field "err" lacks integer "group" and "rc"');
    }
    if (groupRc !== 0) return { kind: 'group-error', group, rc: groupRc };
  }
  if (rc !== undefined) {
    if (!isSmallInteger(rc))
      throw new AppError('DEVICE_PROTOCOL', 'SMP response field "rc" is not an integer');
    if (rc !== 0)
      return typeof rsn === 'string' ? { kind: 'smp-error', rc, reason: rsn } : { kind: 'smp-error', rc };
  }
  return { kind: 'ok' };
}

/** The name of an rc for logs and error details, e.g. `NOENT` or `image:INVALID_HASH`. */
export function describeSmpStatus(status: Exclude<SmpStatus, { kind: 'ok' }>): string {
  if (status.kind === 'smp-error') return SMP_RC_NAMES[status.rc] ?? `rc ${status.rc}`;
  const name = GROUP_ERROR_NAMES[status.group]?.[status.rc];
  return `group ${status.group} ${name ?? `rc ${status.rc}`}`;
}

/** Turns a device's refusal into the AppError the rest of Fieldline sees (code DEVICE_REJECTED). */
export function smpStatusToAppError(
  status: Exclude<SmpStatus, { kind: 'ok' }>,
  request: { group: number; commandId: number },
): AppError {
  const described = describeSmpStatus(status);
  const details: Record<string, unknown> = {
    ...status,
    requestGroup: request.group,
    requestCommandId: request.commandId,
    name: described,
  };
  return new AppError(
    'DEVICE_REJECTED',
    `Device refused SMP group ${request.group} command ${request.commandId}: ${described}`,
    { details },
  );
}

function isSmallInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0xffffffff;
}

function invert(table: Readonly<Record<string, number>>): Record<number, string> {
  const result: Record<number, string> = {};
  for (const [name, value] of Object.entries(table))
    result[value] = name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  return result;
}
