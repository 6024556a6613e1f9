import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';

/** First run: the station has no one yet, so the person setting it up becomes its first supervisor. */
export function CreateSupervisorForm() {
  const bridge = useBridge();
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return setProblem('Enter the supervisor’s name.');
    if (!/^\d{4,8}$/.test(pin)) return setProblem('A PIN is 4 to 8 digits.');
    if (pin !== repeat) return setProblem('The two PINs differ; enter the same PIN twice.');
    setProblem(null);
    bridge.invoke('line:create-supervisor', { name: name.trim(), pin }).catch((failure: unknown) => setError(failure));
  };
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="first-supervisor-title">
      <form onSubmit={submit}>
        <Stack maw={420}>
          <Title id="first-supervisor-title" order={2} size="h3">
            Set up the first supervisor
          </Title>
          <Text c="dimmed">
            This station has no operators yet. The supervisor locks the bundle, adds operators and approves canaries.
          </Text>
          <TextInput label="Supervisor name" value={name} onChange={(event) => setName(event.currentTarget.value)} />
          <PasswordInput label="Supervisor PIN" inputMode="numeric" value={pin} onChange={(event) => setPin(event.currentTarget.value)} />
          <PasswordInput label="Repeat the PIN" inputMode="numeric" value={repeat} onChange={(event) => setRepeat(event.currentTarget.value)} />
          {problem !== null && (
            <Text c="red" role="alert">
              {problem}
            </Text>
          )}
          {error !== null && <ErrorNotice error={error} />}
          <Button type="submit">Create supervisor</Button>
        </Stack>
      </form>
    </Paper>
  );
}
