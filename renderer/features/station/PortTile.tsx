import { Badge, Code, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { PortTile as PortTileData } from '../../../shared/contract';
import { describeFailureCode, formatElapsed, PORT_STATE_LOOK } from './station-labels';

/** One port, readable from a metre: a big state word on the state's colour, the device, progress, the reason. */
export function PortTile({ tile, nowMs }: { tile: PortTileData; nowMs: number }) {
  const look = PORT_STATE_LOOK[tile.state];
  // Only a device that is waiting or running has a clock that matters; a result does not age.
  const isActive = tile.state !== 'pass' && tile.state !== 'fail' && tile.state !== 'waiting';
  const elapsed = isActive ? formatElapsed(tile.since, nowMs) : null;
  const word = tile.percent !== null && tile.state !== 'pass' ? `${look.word} ${tile.percent}%` : look.word;
  return (
    <Paper
      role="group"
      aria-label={`${tile.label}: ${word}`}
      data-state={tile.state}
      radius="md"
      p="md"
      withBorder
      style={{ borderLeft: `12px solid var(--mantine-color-${look.color}-6)`, minHeight: 190 }}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700} size="lg">
            {tile.label}
          </Text>
          {tile.isCanary && (
            <Badge color="yellow" variant="filled">
              Canary
            </Badge>
          )}
        </Group>
        <Text fw={800} fz={34} lh={1.1} c={`${look.color}.8`} data-testid="port-state">
          {word}
        </Text>
        {tile.percent !== null && tile.state !== 'pass' && (
          <Progress value={tile.percent} color={look.color} size="xl" aria-label={`${tile.label} progress`} />
        )}
        {tile.serial !== null && (
          <Text size="md">
            Serial <Code fz="md">{tile.serial}</Code>
          </Text>
        )}
        {tile.state === 'fail' && tile.reason !== null && (
          <Text c="red.8" fw={600} size="md">
            {tile.code !== null ? `${describeFailureCode(tile.code)}: ` : ''}
            {tile.reason}
            {tile.step !== null ? ` (step ${tile.step})` : ''}
          </Text>
        )}
        {tile.state !== 'fail' && tile.reason !== null && <Text size="md">{tile.reason}</Text>}
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed" ff="monospace" truncate="start" maw="75%" title={tile.port}>
            {tile.port}
          </Text>
          {elapsed !== null && (
            <Text size="sm" c="dimmed">
              {elapsed}
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
