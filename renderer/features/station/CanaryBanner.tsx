import { Alert, Button, Group, Text } from '@mantine/core';
import type { LineSnapshot } from '../../../shared/contract';
import { describeFailureCode } from './station-labels';

interface CanaryBannerProps {
  line: LineSnapshot;
  onApprove: () => void;
  onResume: () => void;
}

/** The canary gate: running, waiting for approval, or stopped with the failing device as evidence. */
export function CanaryBanner({ line, onApprove, onResume }: CanaryBannerProps) {
  const { canary, work } = line;
  const version = work?.label ?? 'the new bundle';
  if (line.state === 'canary') {
    return (
      <Alert color="yellow" title={`Canary: ${version}`}>
        The first {canary.count} devices run the new version before the line continues ({canary.done} of {canary.count} done).
      </Alert>
    );
  }
  if (line.state === 'awaiting-approval') {
    return (
      <Alert color="orange" title="Canary passed: waiting for a supervisor">
        <Group justify="space-between">
          <Text>
            {canary.done === 1 ? 'The canary device' : `${canary.done} canary devices`} passed with {version}. A supervisor approves before the line runs it on every port.
          </Text>
          <Button color="orange" size="md" onClick={onApprove}>
            Approve
          </Button>
        </Group>
      </Alert>
    );
  }
  if (line.state === 'stopped' && canary.evidence !== null) {
    const { evidence } = canary;
    return (
      <Alert color="red" title="Line stopped: a canary device failed">
        <Group justify="space-between" align="flex-start">
          <Text>
            Device {evidence.deviceId} on {evidence.port} failed at step {evidence.step}: {describeFailureCode(evidence.code)} — {evidence.reason}.
            Check the release before running it again.
          </Text>
          <Button color="red" variant="outline" onClick={onResume}>
            Run a new canary
          </Button>
        </Group>
      </Alert>
    );
  }
  return null;
}
