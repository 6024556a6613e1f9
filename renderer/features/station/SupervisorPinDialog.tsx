import { Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { PinPad } from './PinPad';

interface SupervisorPinDialogProps {
  opened: boolean;
  title: string;
  explanation: string;
  confirmLabel: string;
  onClose: () => void;
  /** Runs the supervisor's action with the PIN; a rejection is shown and the PIN cleared. */
  onConfirm: (pin: string) => Promise<void>;
}

/** Asks for a supervisor's PIN before one supervisor action (approve, resume, unlock). */
export function SupervisorPinDialog({ opened, title, explanation, confirmLabel, onClose, onConfirm }: SupervisorPinDialogProps) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const close = () => {
    setPin('');
    setError(null);
    onClose();
  };
  const confirm = () => {
    setIsBusy(true);
    onConfirm(pin).then(
      () => {
        setIsBusy(false);
        close();
      },
      (failure: unknown) => {
        setIsBusy(false);
        setPin('');
        setError(failure);
      },
    );
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <Stack>
        <Text size="sm">{explanation}</Text>
        {error !== null && <ErrorNotice error={error} />}
        <PinPad label="Supervisor PIN" value={pin} onChange={setPin} onSubmit={confirm} submitLabel={confirmLabel} isBusy={isBusy} />
      </Stack>
    </Modal>
  );
}
