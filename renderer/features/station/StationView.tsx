import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { LineSnapshot } from '../../../shared/contract';
import { useBridge } from '../../bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { View } from '../../ui/View';
import { CanaryBanner } from './CanaryBanner';
import { CreateSupervisorForm } from './CreateSupervisorForm';
import { FailurePareto, LineCounters } from './LineCounters';
import { OperatorLogin } from './OperatorLogin';
import { PortTile } from './PortTile';
import { LINE_STATE_LOOK } from './station-labels';
import { SupervisorPanel } from './SupervisorPanel';
import { SupervisorPinDialog } from './SupervisorPinDialog';
import { useLine, useNow } from './use-line';

type SupervisorAction = 'unlock' | 'approve' | 'resume';

const ACTION_TEXT: Record<SupervisorAction, { title: string; explanation: string; confirm: string }> = {
  unlock: { title: 'Unlock station settings', explanation: 'Changing the locked recipe or bundle, ports, operators or counters needs a supervisor.', confirm: 'Unlock' },
  approve: { title: 'Approve the canary', explanation: 'The line then runs the new version on every port.', confirm: 'Approve' },
  resume: { title: 'Run a new canary', explanation: 'The line runs the canary devices again with the same recipe or bundle.', confirm: 'Run canary' },
};

/** Factory mode (ux.md §8): the port grid, the line's header with counters, operator login and the supervisor's gates. */
export function StationView() {
  const { line, error, loading, reload } = useLine();
  if (loading) return <View title="Station"><LoadingRows label="Loading the line" /></View>;
  if (line === undefined) return <View title="Station"><ErrorNotice error={error} onRetry={reload} /></View>;
  return <StationLine line={line} />;
}

function StationLine({ line }: { line: LineSnapshot }) {
  const bridge = useBridge();
  const nowMs = useNow();
  const [action, setAction] = useState<SupervisorAction | null>(null);
  const [unlockedPin, setUnlockedPin] = useState<string | null>(null);
  const stateLook = LINE_STATE_LOOK[line.state];

  const confirmAction = async (pin: string) => {
    if (action === 'unlock') {
      await bridge.invoke('line:unlock', { supervisorPin: pin });
      setUnlockedPin(pin);
    } else if (action === 'approve') {
      await bridge.invoke('line:approve-canary', { supervisorPin: pin });
    } else if (action === 'resume') {
      await bridge.invoke('line:resume', { supervisorPin: pin });
    }
  };

  const header = (
    <Group gap="sm">
      <Badge size="xl" color={stateLook.color} variant="filled" aria-label={`Line state: ${stateLook.word}`}>
        {stateLook.word}
      </Badge>
      {line.operator !== null && (
        <>
          <Text size="lg">
            Operator <strong>{line.operator.name}</strong>
          </Text>
          <Button variant="default" onClick={() => void bridge.invoke('line:logout')}>
            Log out
          </Button>
        </>
      )}
      {line.hasSupervisor && unlockedPin === null && (
        <Button variant="light" onClick={() => setAction('unlock')}>
          Supervisor
        </Button>
      )}
      <Button variant="subtle" onClick={() => void document.documentElement.requestFullscreen?.()}>
        Full screen
      </Button>
    </Group>
  );

  return (
    <View title="Station" aside={header}>
      <Stack gap="md">
        {!line.hasSupervisor && <CreateSupervisorForm />}
        <Paper withBorder p="sm" radius="md">
          <Text size="lg">
            {line.work?.kind === 'bundle' ? 'Locked bundle' : 'Locked recipe'}:{' '}
            <strong data-testid="locked-work">{line.work?.label ?? 'none — a supervisor locks one under Supervisor'}</strong>
          </Text>
          {line.work?.kind === 'recipe' && (
            <Text size="xs" c="dimmed" ff="monospace" data-testid="locked-recipe-hash">
              recipe sha256 {line.work.recipe.contentSha256} · firmware {line.work.recipe.firmwareVersion}
            </Text>
          )}
        </Paper>
        <CanaryBanner line={line} onApprove={() => setAction('approve')} onResume={() => setAction('resume')} />
        <LineCounters counters={line.counters} />
        {unlockedPin !== null && <SupervisorPanel line={line} supervisorPin={unlockedPin} onLock={() => setUnlockedPin(null)} />}
        {line.hasSupervisor && line.operator === null && <OperatorLogin operators={line.operators} />}
        {line.ports.length === 0 ? (
          <EmptyState title="No devices on the line yet" nextStep="Plug in a device or start the device lab; each port gets a tile as soon as a device is seen on it." />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md" role="list" aria-label="Ports">
            {line.ports.map((tile) => (
              <div role="listitem" key={tile.port}>
                <PortTile tile={tile} nowMs={nowMs} />
              </div>
            ))}
          </SimpleGrid>
        )}
        <FailurePareto counters={line.counters} />
      </Stack>
      <SupervisorPinDialog
        opened={action !== null}
        title={action === null ? '' : ACTION_TEXT[action].title}
        explanation={action === null ? '' : ACTION_TEXT[action].explanation}
        confirmLabel={action === null ? '' : ACTION_TEXT[action].confirm}
        onClose={() => setAction(null)}
        onConfirm={confirmAction}
      />
    </View>
  );
}
