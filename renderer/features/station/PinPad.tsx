import { Button, PasswordInput, SimpleGrid, Stack } from '@mantine/core';
import { useId, type FormEvent } from 'react';

interface PinPadProps {
  /** Names the PIN field, e.g. "Operator PIN" or "Supervisor PIN". */
  label: string;
  value: string;
  onChange: (pin: string) => void;
  onSubmit: () => void;
  submitLabel: string;
  isBusy?: boolean;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * A PIN pad with big keys for gloved hands, over a masked field that a keyboard can type into too.
 * The PIN stays in the caller's state only until it is sent.
 */
export function PinPad({ label, value, onChange, onSubmit, submitLabel, isBusy = false }: PinPadProps) {
  const fieldId = useId();
  const append = (digit: string) => {
    if (value.length < 8) onChange(value + digit);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.length >= 4 && !isBusy) onSubmit();
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm" maw={320}>
        <PasswordInput
          id={fieldId}
          label={label}
          value={value}
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          size="lg"
          onChange={(event) => onChange(event.currentTarget.value.replace(/\D/g, '').slice(0, 8))}
        />
        <SimpleGrid cols={3} spacing="xs" role="group" aria-label={`${label} keys`}>
          {DIGITS.map((digit) => (
            <Button key={digit} size="xl" variant="default" onClick={() => append(digit)}>
              {digit}
            </Button>
          ))}
          <Button size="xl" variant="subtle" onClick={() => onChange('')}>
            Clear
          </Button>
          <Button size="xl" variant="default" onClick={() => append('0')}>
            0
          </Button>
          <Button size="xl" variant="subtle" aria-label="Delete last digit" onClick={() => onChange(value.slice(0, -1))}>
            ⌫
          </Button>
        </SimpleGrid>
        <Button type="submit" size="lg" disabled={value.length < 4} loading={isBusy}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
