import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import type { JobSummary } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { isActiveJob } from './job-format';

/**
 * Cancel for a queued or running job; Retry for a failed one whose error says running it again may
 * succeed: the same device and bundle, as a new job (the upload resumes where the device left off).
 */
export function JobActions({
  job,
  deviceLabel,
  onStarted,
}: {
  job: JobSummary;
  deviceLabel: string;
  /** Told about the job a Retry started, so a view following one job follows the new one. */
  onStarted?: (job: JobSummary) => void;
}) {
  const bridge = useBridge();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const run = (work: () => Promise<unknown>): void => {
    setBusy(true);
    setError(null);
    work().then(
      () => setBusy(false),
      (failure: unknown) => {
        setBusy(false);
        setError(toAppError(failure));
      },
    );
  };
  const canRetry = job.state === 'failed' && job.error?.isRetryable === true;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      {isActiveJob(job.state) && (
        <Button
          size="xs"
          variant="default"
          color="red"
          loading={busy}
          aria-label={`Cancel job on ${deviceLabel}`}
          onClick={() => run(() => bridge.invoke('jobs:cancel', { jobId: job.id }))}
        >
          Cancel
        </Button>
      )}
      {canRetry && (
        <Button
          size="xs"
          variant="light"
          loading={busy}
          aria-label={`Retry job on ${deviceLabel}`}
          onClick={() =>
            run(async () => {
              const started = await bridge.invoke('jobs:start', {
                deviceId: job.deviceId,
                bundlePath: job.bundlePath,
              });
              onStarted?.(started.job);
            })
          }
        >
          Retry
        </Button>
      )}
      {error !== null && <ErrorNotice error={error} />}
    </Group>
  );
}
