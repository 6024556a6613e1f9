import type { OperationStep } from '../../../shared/contract';

type StepProgress = NonNullable<OperationStep['progress']>;

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 1) return 'almost done';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.ceil(seconds % 60)} s left`;
}

/** "412 KiB of 1.2 MiB · 38.0 KiB/s · 21 s left", or "3 of 5" for items. */
export function describeProgress(progress: StepProgress): string {
  if (progress.unit === 'items') return `${progress.done} of ${progress.total}`;
  const parts = [`${formatBytes(progress.done)} of ${formatBytes(progress.total)}`];
  if (progress.perSecond > 0) parts.push(`${formatBytes(progress.perSecond)}/s`);
  if (progress.done < progress.total) parts.push(formatEta(progress.etaSeconds));
  return parts.join(' · ');
}

export function percentOf(progress: StepProgress): number {
  return progress.total === 0 ? 0 : Math.min(100, Math.round((progress.done / progress.total) * 100));
}
