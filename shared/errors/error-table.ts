import type { ErrorCode } from './error-codes';

export interface ErrorPresentation {
  /** Short heading shown to the person, e.g. in the error boundary or a toast. */
  title: string;
  /** What to try next, in the imperative. */
  action: string;
}

/** One table maps every error code to what the UI and the CLI say about it (ux.md, "Failures explain themselves"). */
export const ERROR_TABLE: Record<ErrorCode, ErrorPresentation> = {
  INVALID_INPUT: { title: 'Invalid input', action: 'Check the highlighted values and try again.' },
  UNKNOWN_COMMAND: { title: 'Unknown command', action: 'Update Fieldline: the UI and the core disagree about the contract.' },
  UNAUTHORIZED: { title: 'Not authorized', action: 'Open the station URL printed by `npm run station`; it carries the access token.' },
  FORBIDDEN_SENDER: { title: 'Request refused', action: 'Only Fieldline’s own window may talk to the core; reload the app.' },
  NOT_FOUND: { title: 'Not found', action: 'Refresh the list; the item may have been removed.' },
  LEDGER_CORRUPT: {
    title: 'The record database is damaged',
    action: 'Fieldline left the file untouched. Restore it from a backup or move it aside to start a new ledger.',
  },
  LEDGER_FOREIGN: {
    title: 'The data folder holds another program’s database',
    action: 'Choose a different data folder (--data-dir or FIELDLINE_DATA_DIR); the file was not changed.',
  },
  LEDGER_NEWER_SCHEMA: {
    title: 'The records were written by a newer Fieldline',
    action: 'Update Fieldline to open them; the file was not changed.',
  },
  LEDGER_CHAIN_BROKEN: {
    title: 'The record chain is broken',
    action: 'Run `npx fieldline ledger verify` to see the first broken link and keep the file for investigation.',
  },
  LEDGER_LOCKED: { title: 'The records are busy', action: 'Another Fieldline process is writing; try again in a moment.' },
  DATA_DIR_UNUSABLE: {
    title: 'The data folder cannot be used',
    action: 'Check that the folder exists and is writable, or pick another with --data-dir.',
  },
  TRANSPORT_CLOSED: { title: 'Connection to the core lost', action: 'Reload the page; if the station stopped, start it again.' },
  TIMEOUT: { title: 'Timed out', action: 'Check the connection and try again.' },
  DEVICE_PROTOCOL: {
    title: 'The device answered something unexpected',
    action: 'Replug the device and retry; if it repeats, keep the log and report it.',
  },
  DEVICE_NOT_RESPONDING: { title: 'The device does not answer', action: 'Check the cable and power, then replug and retry.' },
  NOT_IMPLEMENTED: { title: 'Not available yet', action: 'This capability is not part of this build.' },
  INTERNAL: { title: 'Something went wrong inside Fieldline', action: 'Retry; if it repeats, export the log and report it.' },
  PAYLOAD_TOO_LARGE: { title: 'Too much at once', action: 'Send it in smaller parts; the limit is in the error details.' },
  SYNC_GAP: { title: 'The fleet server is missing earlier records', action: 'Sync resumes by itself from the position the server named (resumeFrom).' },
  SYNC_FORK: { title: 'This station’s records disagree with the fleet server’s copy', action: 'Do not delete anything: keep the ledger file and contact the fleet administrator.' },
  SYNC_CHAIN_INVALID: { title: 'A record failed its integrity check', action: 'Run `npx fieldline ledger verify` on the station and keep the file for investigation.' },
  IDEMPOTENCY_CONFLICT: { title: 'A record was sent twice with different contents', action: 'Keep the ledger file and report it; the fleet server kept the first version.' },
  STATION_CERTIFICATE_REJECTED: { title: 'The fleet server refused this station’s certificate', action: 'Enroll the station again with a new bootstrap token from the fleet administrator.' },
  STATION_UNKNOWN: { title: 'The fleet server does not know this station', action: 'Enroll the station with a bootstrap token from the fleet administrator.' },
  BOOTSTRAP_TOKEN_INVALID: { title: 'The bootstrap token is not valid', action: 'Ask the fleet administrator for a new token; each token works once and expires.' },
  CSR_INVALID: { title: 'The certificate request was refused', action: 'Generate a new key and certificate request and try again.' },
  CERTIFICATE_INVALID: { title: 'The certificate was refused', action: 'Check that it was issued by a trusted station CA and has not expired.' },
  ALREADY_EXISTS: { title: 'It already exists', action: 'Use the existing item, or choose another name.' },
  DEVICE_REJECTED: { title: 'The device refused the request', action: 'Check that the firmware and settings suit this device; the log names the device’s reason.' },
  CANCELLED: { title: 'Cancelled', action: 'Start the operation again when you are ready.' },
  FLEET_UNREACHABLE: {
    title: 'Fleet server not reachable',
    action: 'Nothing is lost: records wait in the outbox and are sent when the server answers again.',
  },
  FLEET_BAD_RESPONSE: {
    title: 'The fleet server answered something unexpected',
    action: 'Check the fleet server URL in Settings; records stay queued until a real fleet server answers.',
  },
  PORT_UNAVAILABLE: { title: 'The port cannot be opened', action: 'Close other programs using it, check that you may use serial ports (e.g. the dialout group), then replug.' },
  USB_UNAVAILABLE: {
    title: 'USB is not available on this machine',
    action: 'Devices on serial, network and drives still work. For USB, run Fieldline where a USB bus is present (and, on Linux, where udev rules grant access).',
  },
  FIRMWARE_FILE_INVALID: {
    title: 'The firmware file is damaged or in the wrong format',
    action: 'Get the file again from its source; the error names the byte or line that is wrong.',
  },
  FIRMWARE_VERIFY_FAILED: {
    title: 'The device does not hold the firmware that was sent',
    action: 'Flash it again; if the read-back differs again, the device’s flash may be failing.',
  },
  BUNDLE_ARCHIVE_INVALID: { title: 'The firmware bundle is not a valid archive', action: 'Get the bundle again from its publisher; the error names the archive check that failed.' },
  BUNDLE_ARCHIVE_TOO_LARGE: { title: 'The firmware bundle is too large or holds too many files', action: 'Fieldline refuses bundles over its limits; ask the publisher for the real release bundle.' },
  BUNDLE_UNSAFE_PATH: { title: 'The firmware bundle contains an unsafe file name or a link', action: 'Do not use this bundle: it tries to reach outside itself. Report it to the publisher.' },
  BUNDLE_DUPLICATE_ENTRY: { title: 'The firmware bundle holds the same file twice', action: 'Do not use this bundle; get the release again from its publisher.' },
  BUNDLE_TRUNCATED: { title: 'The firmware bundle or one of its images is cut short', action: 'Download or copy the bundle again; it ended before its declared size.' },
  BUNDLE_PADDED: { title: 'The firmware bundle or one of its images has extra bytes', action: 'Get the bundle again from its publisher; something was appended to it.' },
  BUNDLE_ENVELOPE_INVALID: { title: 'The bundle’s signed manifest envelope is malformed', action: 'Get the bundle again from its publisher; the error names the envelope field that is wrong.' },
  BUNDLE_MANIFEST_TOO_LARGE: { title: 'The bundle’s manifest is too large or too deeply nested', action: 'Do not use this bundle; a real manifest is small. Report it to the publisher.' },
  BUNDLE_MANIFEST_INVALID: { title: 'The bundle’s manifest is not valid', action: 'Ask the publisher for a corrected bundle; the error names the manifest field that is wrong.' },
  BUNDLE_SIGNATURE_MISSING: { title: 'The firmware bundle is not signed (enough)', action: 'Sign the bundle with a release key (`npx fieldline bundle sign`), or get the signed release.' },
  BUNDLE_SIGNATURE_INVALID: { title: 'A signature on the firmware bundle is wrong', action: 'Do not use this bundle: it was changed after signing. Get the release again from its publisher.' },
  BUNDLE_KEY_UNKNOWN: { title: 'The bundle is signed by a key this station does not trust for the product', action: 'Check the product name, or update the trust store (the fleet catalog supplies production keys).' },
  BUNDLE_KEY_REVOKED: { title: 'The bundle is signed by a revoked key', action: 'Do not use this bundle; ask the publisher for a release signed with a current key.' },
  BUNDLE_EXPIRED: { title: 'The firmware bundle has expired', action: 'Get the current release; if the station clock is wrong, correct it first.' },
  BUNDLE_IMAGE_MISSING: { title: 'An image named in the bundle’s manifest is missing', action: 'Get the complete bundle again from its publisher.' },
  BUNDLE_EXTRA_ENTRY: { title: 'The firmware bundle holds a file its manifest does not list', action: 'Do not use this bundle: something was added after signing. Get the release again.' },
  BUNDLE_HASH_MISMATCH: { title: 'An image in the bundle does not match its signed hash', action: 'Do not use this bundle: an image was changed or swapped. Get the release again from its publisher.' },
  BUNDLE_WRONG_HARDWARE: { title: 'This firmware is not made for this device', action: 'Choose the bundle built for this device’s hardware id and revision.' },
  BUNDLE_ROLLBACK: { title: 'This firmware is older than what the device already accepted', action: 'Use a release with a security counter at least as high as the device’s (anti-rollback).' },
  BUNDLE_TOO_LARGE_FOR_SLOT: { title: 'An image does not fit in the device’s flash slot', action: 'Choose the bundle built for this device’s flash layout.' },
  IMAGE_INVALID: { title: 'The firmware image is malformed', action: 'Get the image again from its source; the error names the field or offset that is wrong.' },
  IMAGE_TRUNCATED: { title: 'The firmware image is cut short', action: 'Copy or download the image again; it ends before its declared size.' },
  IMAGE_HASH_MISMATCH: { title: 'The firmware image does not match its own hash', action: 'Do not flash it: the image was changed after it was built. Get it again from its source.' },
  IMAGE_CRC_MISMATCH: { title: 'The firmware file’s checksum is wrong', action: 'Do not flash it: the file was damaged. Get it again from its source.' },
  IMAGE_SIGNATURE_MISSING: { title: 'The firmware image carries no signature', action: 'Use an image signed with the product’s image key (imgtool sign), or a signed release bundle.' },
  IMAGE_SIGNATURE_INVALID: { title: 'The firmware image’s signature is wrong', action: 'Do not flash it: the bootloader would refuse it. Get a correctly signed image.' },
  IMAGE_KEY_UNKNOWN: { title: 'The image is signed with a key that is not the product’s image key', action: 'Check that you have the right key (--key) or the image built for this product.' },
  IMAGE_KEY_REVOKED: { title: 'The image is signed with a revoked image key', action: 'Ask the publisher for an image signed with a current key.' },
  TRUST_STORE_INVALID: { title: 'The trust store cannot be read', action: 'Check the trust store file (--trust-store); the error names the entry that is wrong.' },
  FLASH_REVERTED: { title: 'The new firmware was rolled back', action: 'The device runs its previous firmware again: the new image failed its health check or the bootloader refused it. Check the release before retrying.' },
  JOB_INTERRUPTED: { title: 'The job was interrupted', action: 'Fieldline stopped while the job ran. Start it again: an upload resumes where the device left off.' },
  DEVICE_BUSY: { title: 'The device or its port is busy', action: 'Another job uses this port, or the device holds an update that is not confirmed yet. Wait for it, then retry.' },
  DEVICE_MISMATCH: { title: 'A different device answered', action: 'The device at this port is not the one the job is for. Plug the right device back in and retry.' },
  EST_UNREACHABLE: { title: 'The certificate server is not reachable', action: 'Check the network and the EST server URL, then retry; a station with an offline CA can issue the certificate offline.' },
  EST_BAD_RESPONSE: { title: 'The certificate server answered something unexpected', action: 'Nothing was installed. Check that the URL points at an EST server (RFC 7030); the error names what was wrong with the answer.' },
  EST_REFUSED: { title: 'The certificate server refused the request', action: 'Check the station’s credentials and the device’s request; the error carries the server’s status and reason.' },
  ISSUED_CERTIFICATE_INVALID: { title: 'The issued certificate does not match the request', action: 'Nothing was installed or recorded. Check the issuing CA’s configuration; the error names the mismatch (key, subject, chain or validity).' },
  CERTIFICATE_VERIFY_FAILED: { title: 'The device does not hold the certificate that was installed', action: 'Enroll the device again; if the read-back differs again, the device’s credential storage may be failing.' },
  OFFLINE_CA_UNUSABLE: { title: 'The station’s offline CA cannot issue this certificate', action: 'Check the offline CA certificate (validity, name constraints, key in the token); ask the fleet administrator for a new one if it expired.' },
  PKCS11_UNAVAILABLE: { title: 'The security token cannot be used', action: 'Check that the token is plugged in, the PKCS#11 module path and the token and key labels are right.' },
  PKCS11_PIN_INCORRECT: { title: 'The security token refused the PIN', action: 'Enter the token’s user PIN again; after several wrong PINs the token locks itself.' },
  KEY_VAULT_UNAVAILABLE: { title: 'No secure key storage on this machine', action: 'Fieldline never stores keys in plain text. Use a PKCS#11 token, or run the desktop app where the OS keystore (Keychain, Windows DPAPI, GNOME Keyring or KWallet) is available.' },
};

export function presentError(code: ErrorCode): ErrorPresentation {
  return ERROR_TABLE[code];
}
