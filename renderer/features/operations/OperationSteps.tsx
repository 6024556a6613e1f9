import { Badge, Group, Progress, Stack, Text, ThemeIcon } from '@mantine/core';
import type { OperationStep, OperationSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { describeProgress, percentOf } from './format-progress';

const STEP_MARK: Record<OperationStep['state'], { mark: string; color: string; label: string }> = {
  pending: { mark: '·', color: 'gray', label: 'Waiting' },
  running: { mark: '…', color: 'blue', label: 'Running' },
  done: { mark: '✓', color: 'teal', label: 'Done' },
  skipped: { mark: '–', color: 'gray', label: 'Not needed' },
  failed: { mark: '✕', color: 'red', label: 'Failed' },
};

const STATE_BADGE: Record<OperationSummary['state'], { color: string; label: string }> = {
  queued: { color: 'gray', label: 'Queued' },
  running: { color: 'blue', label: 'Running' },
  succeeded: { color: 'teal', label: 'Succeeded' },
  failed: { color: 'red', label: 'Failed' },
  cancelled: { color: 'gray', label: 'Cancelled' },
};

/**
 * The live steps of one operation (ux.md: long work shows each step, its progress, rate and ETA; a
 * failure names the step and its reason, with the suggested action and a retry when it may help).
 */
export function OperationSteps({
  operation,
  onRetry,
}: {
  operation: OperationSummary;
  onRetry?: () => void;
}) {
  const badge = STATE_BADGE[operation.state];
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text fw={600}>{operation.title}</Text>
        <Badge color={badge.color} variant="light">
          {badge.label}
        </Badge>
      </Group>
      <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Steps">
        {operation.steps.map((step) => (
          <StepRow key={step.name} step={step} />
        ))}
      </Stack>
      {operation.error !== null && (
        <ErrorNotice
          error={new AppError(operation.error.code, `${operation.error.step}: ${operation.error.message}`)}
          onRetry={operation.error.isRetryable ? onRetry : undefined}
        />
      )}
    </Stack>
  );
}

function StepRow({ step }: { step: OperationStep }) {
  const mark = STEP_MARK[step.state];
  return (
    <li data-step={step.name} data-state={step.state}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon color={mark.color} variant="light" radius="xl" size="sm" aria-hidden>
          {mark.mark}
        </ThemeIcon>
        <Stack gap={2} style={{ flex: 1 }}>
          <Group gap="xs">
            <Text size="sm" fw={step.state === 'running' ? 600 : 400}>
              {step.label}
            </Text>
            <Text size="xs" c="dimmed">
              {mark.label}
            </Text>
          </Group>
          {step.detail !== null && (
            <Text size="xs" c={step.state === 'failed' ? 'red' : 'dimmed'}>
              {step.detail}
            </Text>
          )}
          {step.progress !== null && step.state === 'running' && (
            <>
              <Progress
                value={percentOf(step.progress)}
                aria-label={`${step.label} progress`}
                size="sm"
                animated
              />
              <Text size="xs" c="dimmed">
                {describeProgress(step.progress)}
              </Text>
            </>
          )}
        </Stack>
      </Group>
    </li>
  );
}
