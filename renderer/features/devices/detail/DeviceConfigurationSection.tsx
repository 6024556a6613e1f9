import { Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { LedgerEvent } from '../../../../shared/contract';
import { hlcToIso } from '../../../../shared/ledger/hlc';
import { CopyTextButton } from '../../../ui/CopyTextButton';
import { EmptyState } from '../../../ui/EmptyState';
import { formatTimestamp } from '../../../ui/format-time';
import { Section } from '../../../ui/Section';
import { lastAppliedConfiguration } from './applied-configuration';

/**
 * The configuration last applied to the device (its newest `config.applied`): which recipe, by name,
 * version, content hash and git commit, and each setting's value, or for a secret only its salted hash.
 */
export function DeviceConfigurationSection({ events }: { events: LedgerEvent[] | undefined }) {
  const applied = events === undefined ? undefined : lastAppliedConfiguration(events);
  return (
    <Section title="Configuration">
      {applied === undefined && <Skeleton height={120} />}
      {applied === null && (
        <EmptyState
          headingOrder={3}
          title="No recipe applied here yet"
          nextStep="Provision the device with a recipe (Provision…); the settings it writes and verifies show here."
        />
      )}
      {applied != null && (
        <Stack gap="sm">
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              {applied.recipe.name} {applied.recipe.version}
            </Text>
            <Group gap={4} wrap="nowrap">
              <Text size="xs" c="dimmed">
                Recipe SHA-256
              </Text>
              <Text size="xs" ff="monospace" title={applied.recipe.contentSha256}>
                {applied.recipe.contentSha256.slice(0, 16)}…
              </Text>
              <CopyTextButton value={applied.recipe.contentSha256} label="Copy recipe hash" />
            </Group>
            <Text size="xs" c="dimmed">
              {applied.recipe.gitCommit == null
                ? 'Not from a git checkout'
                : `git commit ${applied.recipe.gitCommit.slice(0, 12)}${applied.recipe.isModified === true ? ' (file modified since)' : ''}`}
              {' · '}applied {appliedAt(applied.hlc)}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {applied.recipe.path}
            </Text>
          </Stack>
          <Table withTableBorder verticalSpacing={4} aria-label="Applied settings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Setting</Table.Th>
                <Table.Th>Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {applied.settings.map((setting) => (
                <Table.Tr key={setting.name} data-setting={setting.name}>
                  <Table.Td ff="monospace">{setting.name}</Table.Td>
                  <Table.Td>
                    {setting.isSecret ? (
                      <Text span size="sm" title={setting.digest}>
                        secret (hash{' '}
                        <Text span ff="monospace">
                          {setting.digest.slice(0, 'sha256:'.length + 12)}…
                        </Text>
                        )
                      </Text>
                    ) : (
                      <Text span size="sm" ff="monospace">
                        {setting.value}
                      </Text>
                    )}
                    {applied.unverifiedSettings?.includes(setting.name) === true && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        · write-only, not read back
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Section>
  );
}

function appliedAt(hlc: string): string {
  const iso = hlcToIso(hlc);
  return iso === null ? 'at an unknown time' : formatTimestamp(iso);
}
