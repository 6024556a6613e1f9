import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { JobSummary } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';

export interface FlashPlan {
  deviceId: string;
  /** The serial, or the id when the serial is unknown. */
  deviceLabel: string;
  currentVersion: string | null;
  product: string;
  version: string;
  bundlePath: string;
  isDevelopmentSigned: boolean;
}

/**
 * "Flash", then the plan in one glance and a confirmation (ux.md: say what the device is, then what
 * will happen, then do it). Starting the job is `jobs:start`; the job verifies the bundle against the
 * device itself before any byte is written.
 */
export function FlashConfirm({
  plan,
  disabledReason,
  onStarted,
}: {
  plan: FlashPlan;
  disabledReason?: string | null;
  onStarted: (job: JobSummary) => void;
}) {
  const bridge = useBridge();
  const [isConfirming, setIsConfirming] = useState(false);
  const [isStarting, setIsStarting] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const start = (): void => {
    setIsStarting(true);
    setError(null);
    bridge.invoke('jobs:start', { deviceId: plan.deviceId, bundlePath: plan.bundlePath }).then(
      ({ job }) => {
        setIsStarting(false);
        setIsConfirming(false);
        onStarted(job);
      },
      (failure: unknown) => {
        setIsStarting(false);
        setError(toAppError(failure));
      },
    );
  };

  if (!isConfirming) {
    return (
      <Stack gap={4} align="flex-start">
        <Button
          size="xs"
          onClick={() => setIsConfirming(true)}
          disabled={Boolean(disabledReason)}
          aria-label={`Flash ${plan.version} to ${plan.deviceLabel}`}
        >
          Flash
        </Button>
        {disabledReason && (
          <Text size="xs" c="dimmed">
            {disabledReason}
          </Text>
        )}
      </Stack>
    );
  }
  return (
    <div role="group" aria-label={`Confirm flashing ${plan.deviceLabel}`}>
      <Alert color="violet" variant="light" title={`Flash ${plan.deviceLabel}?`}>
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {plan.product} {plan.currentVersion ?? 'unknown version'} → {plan.version}
          </Text>
          <Text size="sm">
            Verify the bundle for this device · upload · check the image · restart to test · health check ·
            confirm.
          </Text>
          {plan.isDevelopmentSigned && (
            <Text size="sm" c="orange.8">
              This bundle is signed with a development key.
            </Text>
          )}
          {error !== null && <ErrorNotice error={error} />}
          <Group gap="xs">
            <Button size="xs" color="violet" loading={isStarting} onClick={start}>
              Flash now
            </Button>
            <Button size="xs" variant="default" onClick={() => setIsConfirming(false)} disabled={isStarting}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </Alert>
    </div>
  );
}
