import { Alert, Anchor, Group, List, Stack, Text } from '@mantine/core';
import type { LedgerEvent, OperationSummary } from '../../../shared/contract';
import { useCommand, useEvent } from '../../bridge';
import { CopyTextButton } from '../../ui/CopyTextButton';

/** The ledger events an operation wrote: its frame (`operation.*` carry its id) and the domain events in between. */
export function eventsOfOperation(events: readonly LedgerEvent[], operationId: string): LedgerEvent[] {
  const framed = (event: LedgerEvent): boolean =>
    typeof event.payload === 'object' && event.payload !== null && !Array.isArray(event.payload) && event.payload['operationId'] === operationId;
  const first = events.findIndex(framed);
  if (first === -1) return [];
  let last = first;
  events.forEach((event, index) => {
    if (framed(event)) last = index;
  });
  return events.slice(first, last + 1);
}

/**
 * What a successful provision left as evidence (ux.md: "result with evidence"): each ledger event the
 * operation wrote, with its hash, and the way to the device's full history.
 */
export function ProvisionResult({ operation, onShowHistory }: { operation: OperationSummary; onShowHistory: () => void }) {
  const history = useCommand('ledger:device-history', { deviceId: operation.deviceId });
  useEvent('ledger:changed', history.reload);
  const events = history.data === undefined ? [] : eventsOfOperation(history.data.events, operation.id);
  const done = operation.steps.filter((step) => step.state === 'done').map((step) => step.label.toLowerCase());
  return (
    <Alert color="teal" variant="light" title="Provisioned: the device matches the recipe">
      <Stack gap="xs">
        <Text size="sm">
          {done.length === 0 ? 'Nothing needed to change.' : `Done: ${done.join(', ')}.`} The device was read again and checked against the recipe.
        </Text>
        {events.length > 0 && (
          <List size="sm" spacing={2} aria-label="Recorded in the ledger">
            {events.map((event) => (
              <List.Item key={event.id} data-event-id={event.id}>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" ff="monospace">
                    {event.type}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace" title={event.hash}>
                    {event.hash.slice(0, 12)}
                  </Text>
                  <CopyTextButton value={event.hash} label={`Copy hash of ${event.type}`} />
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        <Anchor component="button" type="button" size="sm" onClick={onShowHistory}>
          Show in the device’s history
        </Anchor>
      </Stack>
    </Alert>
  );
}
