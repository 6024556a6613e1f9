import { Button, Group, List, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CommandInput } from '../../../shared/contract';

export type RetireRequest = Pick<CommandInput<'devices:retire'>, 'method' | 'operator'>;

const METHODS = [
  {
    value: 'clear',
    label: 'Clear (NIST SP 800-88)',
    line: 'Erased through the device’s own commands and checked by reading back; the usual choice before reuse or disposal inside the organisation.',
  },
  {
    value: 'purge',
    label: 'Purge (NIST SP 800-88)',
    line: 'A cryptographic erase: only for devices that encrypt their storage under the key the wipe destroys. Needed before a device leaves the organisation.',
  },
] as const;

/**
 * What a wipe does, the method, who does it, and a confirmation naming the device (ux.md: "Nothing
 * dangerous by accident": the serial has to be typed).
 */
export function RetireForm({ label, isBusy, onRetire }: { label: string; isBusy: boolean; onRetire: (request: RetireRequest) => void }) {
  const [method, setMethod] = useState<RetireRequest['method']>('clear');
  const [operator, setOperator] = useState('');
  const [typed, setTyped] = useState('');
  const isConfirmed = typed.trim() === label;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!isConfirmed || operator.trim() === '') return;
    onRetire({ method, operator: operator.trim() });
  };
  return (
    <form onSubmit={submit} aria-label={`Retire ${label}`}>
      <Stack gap="md">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Retiring erases everything this device holds, then proves it:
          </Text>
          <List size="sm" spacing={2}>
            <List.Item>its private key and certificate are destroyed, and its settings (Wi-Fi passwords included) deleted;</List.Item>
            <List.Item>its storage and the second firmware slot are erased;</List.Item>
            <List.Item>each part is read back to check nothing remains, then the station signs a certificate of sanitization;</List.Item>
            <List.Item>the device certificate’s revocation is queued for the fleet server. The device is recorded retired.</List.Item>
          </List>
          <Text size="sm" c="dimmed">
            The firmware keeps running. This cannot be undone: to use the device again, provision it from scratch. Works offline.
          </Text>
        </Stack>
        <Radio.Group label="Method" value={method} onChange={(value) => setMethod(value === 'purge' ? 'purge' : 'clear')}>
          <Stack gap="xs" mt="xs">
            {METHODS.map((option) => (
              <Radio key={option.value} value={option.value} label={option.label} description={option.line} />
            ))}
          </Stack>
        </Radio.Group>
        <TextInput
          label="Operator"
          description="Required: who retires the device; the certificate names them."
          value={operator}
          onChange={(event) => setOperator(event.currentTarget.value)}
          // Required without the asterisk in the label, so the field's name is just "Operator".
          required
          withAsterisk={false}
          maxLength={100}
        />
        <TextInput
          label={`Type ${label} to confirm`}
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          error={typed !== '' && !isConfirmed ? `This is not ${label}.` : undefined}
        />
        <Group justify="flex-end">
          <Button type="submit" color="red" loading={isBusy} disabled={!isConfirmed || operator.trim() === ''}>
            Wipe and retire {label}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
