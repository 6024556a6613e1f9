import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { Device, OperationSummary } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge, useCommand, useEvent } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { OperationSteps } from '../operations/OperationSteps';
import { useOperation } from '../operations/use-operation';
import { RetireForm, type RetireRequest } from './RetireForm';
import { certificateOfOperation, wipeFailureOfOperation } from './retirement-records';
import { SanitizationCertificateView } from './SanitizationCertificateView';

interface RetireDialogProps {
  opened: boolean;
  onClose: () => void;
  deviceId: string;
  device: Device | null | undefined;
}

/**
 * Retire a device (ux.md, "Retire"): what will be erased, the method, the confirmation with the
 * serial, then the wipe and its read-back live (`devices:retire`), and at the end the certificate of
 * sanitization to download, or what remained on the device when the wipe could not be verified.
 */
export function RetireDialog({ opened, onClose, deviceId, device }: RetireDialogProps) {
  const bridge = useBridge();
  const label = device?.serial ?? deviceId;
  const { operation, track, clear } = useOperation();
  const [request, setRequest] = useState<RetireRequest | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const isRunning = operation !== null && (operation.state === 'running' || operation.state === 'queued');

  const retire = (next: RetireRequest): void => {
    setRequest(next);
    setIsBusy(true);
    setError(null);
    bridge.invoke('devices:retire', { deviceId, ...next }).then(
      (answer) => {
        setIsBusy(false);
        track(answer.operation);
      },
      (failure: unknown) => {
        setIsBusy(false);
        setError(toAppError(failure));
      },
    );
  };
  const close = (): void => {
    if (!isRunning) {
      clear();
      setRequest(null);
      setError(null);
    }
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={`Retire ${label}`} size="xl" closeOnClickOutside={!isRunning}>
      <Stack gap="md">
        {operation === null && (
          <>
            {error !== null && <ErrorNotice error={error} onRetry={request === null ? undefined : () => retire(request)} />}
            <RetireForm label={label} isBusy={isBusy} onRetire={retire} />
          </>
        )}
        {operation !== null && (
          <Stack gap="sm" data-operation-id={operation.id} data-operation-state={operation.state}>
            <OperationSteps operation={operation} onRetry={request === null ? undefined : () => retire(request)} />
            {error !== null && <ErrorNotice error={error} />}
            {(operation.state === 'succeeded' || operation.state === 'failed') && <RetirementOutcome operation={operation} />}
            <Group justify="flex-end">
              <Button variant={isRunning ? 'default' : 'filled'} onClick={close}>
                {isRunning ? 'Hide (keeps running)' : 'Close'}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}

/** The evidence from the ledger: the signed certificate after a verified wipe, or what remained after one that failed. */
function RetirementOutcome({ operation }: { operation: OperationSummary }) {
  const history = useCommand('ledger:device-history', { deviceId: operation.deviceId });
  useEvent('ledger:changed', history.reload);
  if (history.error !== null) return <ErrorNotice error={history.error} onRetry={history.reload} />;
  const events = history.data?.events;
  if (events === undefined) return <Text size="sm">Reading the evidence from the ledger…</Text>;
  if (operation.state === 'succeeded') {
    const found = certificateOfOperation(events, operation.id);
    if (found === null) return <Text size="sm">The certificate of sanitization is not in this station’s ledger yet.</Text>;
    return (
      <Stack gap="sm">
        <Alert color="teal" variant="light" title={`Retired: the wipe of ${found.certificate.body.device.serial} was verified`}>
          <Text size="sm">Every part was read back and nothing remained. The certificate below is signed by this station and recorded in the ledger.</Text>
        </Alert>
        <SanitizationCertificateView certificate={found.certificate} />
      </Stack>
    );
  }
  const failure = wipeFailureOfOperation(events, operation.id);
  if (failure === null) return null;
  return (
    <Alert color="red" variant="light" title="Still on the device (it is not retired)">
      <List size="sm" aria-label="Remaining on the device">
        {failure.remaining.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
      <Text size="xs" c="dimmed" mt="xs">
        Checked: {failure.checks.map((check) => `${check.checked} (${check.remaining.length === 0 ? 'clean' : 'not clean'})`).join(' · ')}
      </Text>
    </Alert>
  );
}
