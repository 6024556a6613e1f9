import { Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { LineCounters as LineCountersData, ParetoBar } from '../../../shared/contract';
import { describeFailureCode, formatYield } from './station-labels';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={800} fz={32} lh={1.1} aria-label={`${label}: ${value}`}>
        {value}
      </Text>
    </Paper>
  );
}

/** Passed, failed, devices per hour, first-pass yield: the four figures a line supervisor watches. */
export function LineCounters({ counters }: { counters: LineCountersData }) {
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" role="group" aria-label="Counters">
      <Figure label="Passed" value={String(counters.passed)} />
      <Figure label="Failed" value={String(counters.failed)} />
      <Figure label="Devices per hour" value={String(counters.devicesPerHour)} />
      <Figure label="First-pass yield" value={formatYield(counters.firstPassYield)} />
    </SimpleGrid>
  );
}

function ParetoBars({ title, bars, describe }: { title: string; bars: ParetoBar[]; describe: (key: string) => string }) {
  const top = bars.slice(0, 5);
  const largest = top[0]?.count ?? 1;
  return (
    <Stack gap={4} component="section" aria-label={title}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {top.length === 0 && (
        <Text size="sm" c="dimmed">
          No failures yet
        </Text>
      )}
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {top.map((bar) => (
          <li key={bar.key}>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" w={220} truncate="end" title={bar.key}>
                {describe(bar.key)}
              </Text>
              <div
                aria-hidden="true"
                style={{ height: 14, width: `${(bar.count / largest) * 160}px`, background: 'var(--mantine-color-red-6)', borderRadius: 3 }}
              />
              <Text size="sm" fw={700}>
                {bar.count}
              </Text>
            </Group>
          </li>
        ))}
      </ul>
    </Stack>
  );
}

/** Why devices fail, most frequent first, by reason and by port. */
export function FailurePareto({ counters }: { counters: LineCountersData }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <ParetoBars title="Failures by reason" bars={counters.paretoByReason} describe={describeFailureCode} />
      <ParetoBars title="Failures by port" bars={counters.paretoByPort} describe={(key) => key} />
    </SimpleGrid>
  );
}
