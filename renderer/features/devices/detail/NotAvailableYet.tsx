import { Paper, Text } from '@mantine/core';
import { Section } from '../../../ui/Section';

/** An honest placeholder for a part of the detail this build cannot read from the device yet. */
export function NotAvailableYet({ title, explanation }: { title: string; explanation: string }) {
  return (
    <Paper withBorder p="sm" radius="sm">
      <Section title={title}>
        <Text size="sm" fw={500}>
          Not available yet
        </Text>
        <Text size="sm" c="dimmed">
          {explanation}
        </Text>
      </Section>
    </Paper>
  );
}
