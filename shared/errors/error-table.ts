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
};

export function presentError(code: ErrorCode): ErrorPresentation {
  return ERROR_TABLE[code];
}
