import { Button, Group, Paper, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CommandInput, CommandName, LineSnapshot, OperatorRole } from '../../../shared/contract';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LockedWorkForm } from './LockedWorkForm';

interface SupervisorPanelProps {
  line: LineSnapshot;
  /** The PIN the supervisor unlocked with; kept only while this panel is open. */
  supervisorPin: string;
  onLock: () => void;
}

/** Station settings behind the supervisor's unlock: the locked recipe or bundle, canary count, ports, operators, counters. */
export function SupervisorPanel({ line, supervisorPin, onLock }: SupervisorPanelProps) {
  const bridge = useBridge();
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [portMode, setPortMode] = useState<'all' | 'listed'>(line.portMode);
  const [addresses, setAddresses] = useState(line.portMode === 'listed' ? line.ports.map((tile) => tile.port).join('\n') : '');
  const [operatorName, setOperatorName] = useState('');
  const [operatorRole, setOperatorRole] = useState<OperatorRole>('operator');
  const [operatorPin, setOperatorPin] = useState('');

  const run = <N extends CommandName>(name: N, input: CommandInput<N>, done: string) => {
    setError(null);
    setNotice(null);
    bridge.invoke(name, input).then(
      () => setNotice(done),
      (failure: unknown) => setError(failure),
    );
  };
  const lockRecipe = (recipePath: string, canaryCount: number) =>
    run('line:configure', { supervisorPin, recipePath, canaryCount }, 'Recipe locked; a new recipe runs first on the canary devices.');
  const lockBundle = (bundlePath: string, canaryCount: number) =>
    run('line:configure', { supervisorPin, bundlePath, canaryCount }, 'Bundle locked; the next devices run as the canary.');
  const savePorts = (event: FormEvent) => {
    event.preventDefault();
    const listed = addresses.split('\n').map((address) => address.trim()).filter((address) => address !== '');
    run('line:configure', { supervisorPin, ports: portMode === 'all' ? { mode: 'all' } : { mode: 'listed', addresses: listed } }, 'Ports saved.');
  };
  const addOperator = (event: FormEvent) => {
    event.preventDefault();
    run('line:set-operator', { supervisorPin, name: operatorName.trim(), role: operatorRole, pin: operatorPin }, `${operatorName.trim()} can log in now.`);
    setOperatorPin('');
  };

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="supervisor-panel-title">
      <Stack>
        <Group justify="space-between">
          <Title id="supervisor-panel-title" order={2} size="h3">
            Station settings (supervisor)
          </Title>
          <Button variant="default" onClick={onLock}>
            Lock settings
          </Button>
        </Group>
        {error !== null && <ErrorNotice error={error} />}
        {notice !== null && (
          <Text c="green.8" role="status">
            {notice}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="lg">
          <LockedWorkForm line={line} onLockRecipe={lockRecipe} onLockBundle={lockBundle} />
          <form onSubmit={savePorts}>
            <Stack gap="xs">
              <Title order={3} size="h5">
                Line ports
              </Title>
              <SegmentedControl
                aria-label="Which ports run"
                value={portMode}
                onChange={(value) => setPortMode(value === 'listed' ? 'listed' : 'all')}
                data={[
                  { value: 'all', label: 'Every port' },
                  { value: 'listed', label: 'Only these' },
                ]}
              />
              {portMode === 'listed' && (
                <Textarea label="Ports, one a line" placeholder="serial:/dev/ttyACM0" autosize minRows={3} value={addresses} onChange={(event) => setAddresses(event.currentTarget.value)} />
              )}
              <Button type="submit" variant="default">
                Save ports
              </Button>
            </Stack>
          </form>
          <form onSubmit={addOperator}>
            <Stack gap="xs">
              <Title order={3} size="h5">
                Operators
              </Title>
              <Text size="sm">{line.operators.map((operator) => `${operator.name} (${operator.role})`).join(', ')}</Text>
              <TextInput label="Name" value={operatorName} onChange={(event) => setOperatorName(event.currentTarget.value)} />
              <SegmentedControl
                aria-label="Role"
                value={operatorRole}
                onChange={(value) => setOperatorRole(value === 'supervisor' ? 'supervisor' : 'operator')}
                data={[
                  { value: 'operator', label: 'Operator' },
                  { value: 'supervisor', label: 'Supervisor' },
                ]}
              />
              <PasswordInput label="Their PIN" inputMode="numeric" value={operatorPin} onChange={(event) => setOperatorPin(event.currentTarget.value)} />
              <Button type="submit" variant="default" disabled={operatorName.trim() === '' || operatorPin.length < 4}>
                Add or update operator
              </Button>
            </Stack>
          </form>
        </SimpleGrid>
        <Group>
          <Button color="red" variant="outline" onClick={() => run('line:reset-counters', { supervisorPin }, 'Counters reset.')}>
            Reset counters
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
