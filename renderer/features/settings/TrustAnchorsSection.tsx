import { Alert, Badge, Code, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useCommand } from '../../bridge';
import { CopyTextButton } from '../../ui/CopyTextButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Section } from '../../ui/Section';

/**
 * The keys firmware is verified against (ux.md, Settings: trust anchors). Read-only here: the trust
 * store comes from FIELDLINE_TRUST_STORE or the fleet catalog, so a technician can see what counts
 * but cannot quietly add a key on site.
 */
export function TrustAnchorsSection() {
  const trust = useCommand('firmware:trust-store');
  const keys = trust.data?.keys ?? [];
  const isDevelopmentOnly = keys.length > 0 && keys.every((key) => key.isDevelopment);
  return (
    <Section title="Trust anchors">
      {trust.error !== null && <ErrorNotice error={trust.error} onRetry={trust.reload} />}
      {trust.data === undefined && trust.error === null && <Skeleton height={120} />}
      {trust.data !== undefined && (
        <Stack gap="sm">
          {isDevelopmentOnly && (
            // Yellow on pale yellow is 2:1; the title keeps the text colour (axe color-contrast).
            <Alert color="yellow" variant="light" title="Development keys only" styles={{ title: { color: 'var(--mantine-color-text)' } }}>
              Firmware signed with the lab's development keys is accepted. A production station sets
              FIELDLINE_TRUST_STORE to the fleet's trust store.
            </Alert>
          )}
          {keys.length === 0 ? (
            <Text size="sm" c="dimmed">
              No keys: every bundle is refused until a trust store is configured.
            </Text>
          ) : (
            <Table withTableBorder layout="fixed" aria-label="Trusted keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key</Table.Th>
                  <Table.Th w={110}>Algorithm</Table.Th>
                  <Table.Th>May sign</Table.Th>
                  <Table.Th w={200}>Key id</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.map((key) => (
                  <Table.Tr key={key.keyId} data-key-name={key.name}>
                    <Table.Td>
                      <Group gap={6}>
                        <Text size="sm">{key.name}</Text>
                        {key.isDevelopment && (
                          // Filled with automatic text colour: yellow-on-yellow fails AA contrast.
                          <Badge color="yellow" variant="filled" autoContrast size="sm">
                            Development
                          </Badge>
                        )}
                        {key.revokedReason !== null && (
                          <Badge color="red.9" variant="filled" size="sm" title={key.revokedReason}>
                            Revoked: {key.revokedReason}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{key.algorithm}</Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {key.usedBy.length === 0
                          ? 'Nothing (no product names it)'
                          : key.usedBy
                              .map(
                                (use) =>
                                  `${use.purpose === 'release' ? 'releases' : 'images'} of ${use.product}`,
                              )
                              .join(', ')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Code>{key.keyId.slice(0, 16)}…</Code>
                        <CopyTextButton value={key.keyId} label={`Copy key id of ${key.name}`} />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Section>
  );
}
