import type { JobState, JobStep } from '../../../shared/contract';

const UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

/** `512 B`, `20.3 KiB`, `1.4 MiB`: binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(Math.round(bytesPerSecond))}/s` : 'starting…';
}

/** `8 s left`, `2 min 05 s left`; "estimating…" while the rate is unknown (never a made-up number). */
export function formatEta(etaSeconds: number | null): string {
  if (etaSeconds === null) return 'estimating…';
  const seconds = Math.ceil(etaSeconds);
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s left`;
}

/** How long a finished job took: `850 ms`, `12 s`, `3 min 04 s`. */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return 'unknown';
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** What each step means to the person watching (ux.md: a step list with the current step named). */
export const STEP_LABELS: Record<JobStep, string> = {
  queued: 'Waiting for a free slot',
  connect: 'Connecting',
  'read-device': 'Reading the device',
  'verify-bundle': 'Verifying the bundle for this device',
  upload: 'Uploading',
  'verify-upload': 'Checking the uploaded image',
  'mark-test': 'Marking the new image for test',
  'test-reset': 'Restarting into the new image',
  'device-back': 'Waiting for the device to come back',
  'health-check': 'Checking the new image runs',
  'revert-reset': 'Reverting to the previous image',
  confirm: 'Confirming the new image',
  done: 'Done',
};

export const STATE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  reverted: 'Reverted',
  cancelled: 'Cancelled',
};

export function isActiveJob(state: JobState): boolean {
  return state === 'queued' || state === 'running';
}

/** The bundle file's name from the station path a job names. */
export function bundleFileName(bundlePath: string): string {
  return bundlePath.split(/[\\/]/).at(-1) ?? bundlePath;
}
