import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { LineOperator } from '../../../shared/contract';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { PinPad } from './PinPad';

/** Who runs the line: pick your name, enter your PIN. Devices wait until someone is logged in. */
export function OperatorLogin({ operators }: { operators: LineOperator[] }) {
  const bridge = useBridge();
  const [chosen, setChosen] = useState<LineOperator | null>(operators.length === 1 ? operators[0]! : null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const login = () => {
    if (chosen === null) return;
    setIsBusy(true);
    bridge.invoke('line:login', { operatorId: chosen.id, pin }).then(
      () => setIsBusy(false),
      (failure: unknown) => {
        setIsBusy(false);
        setPin('');
        setError(failure);
      },
    );
  };
  return (
    <Paper withBorder p="lg" aria-labelledby="operator-login-title" component="section">
      <Stack>
        <Title id="operator-login-title" order={2} size="h3">
          Operator login
        </Title>
        <Text c="dimmed">Plugged-in devices start once an operator is logged in.</Text>
        <Group role="group" aria-label="Operator">
          {operators.map((operator) => (
            <Button
              key={operator.id}
              size="lg"
              variant={chosen?.id === operator.id ? 'filled' : 'default'}
              aria-pressed={chosen?.id === operator.id}
              onClick={() => setChosen(operator)}
            >
              {operator.name}
            </Button>
          ))}
        </Group>
        {error !== null && <ErrorNotice error={error} />}
        {chosen !== null && (
          <PinPad label={`PIN for ${chosen.name}`} value={pin} onChange={setPin} onSubmit={login} submitLabel="Log in" isBusy={isBusy} />
        )}
      </Stack>
    </Paper>
  );
}
