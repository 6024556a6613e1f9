import { Stack, Text } from '@mantine/core';
import { AppError } from '../../../shared/errors';
import type { JobError } from '../../../shared/contract';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { STEP_LABELS } from './job-format';

/** A failed job's error through the one error table, naming the step it failed at in plain sight. */
export function JobErrorNotice({ error, onRetry }: { error: JobError; onRetry?: () => void }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        Failed at: {STEP_LABELS[error.step]}
      </Text>
      <ErrorNotice
        error={
          new AppError(
            error.code,
            `failed at step "${error.step}" (${STEP_LABELS[error.step]}): ${error.message}`,
          )
        }
        {...(onRetry === undefined ? {} : { onRetry })}
      />
    </Stack>
  );
}
