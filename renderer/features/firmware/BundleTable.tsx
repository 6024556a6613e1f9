import { Group, Table, Text, UnstyledButton } from '@mantine/core';
import type { BundleSummary } from '../../../shared/contract';
import { formatTimestamp } from '../../ui/format-time';
import { DevelopmentKeyBadge, VerificationBadge } from './VerificationBadge';

interface BundleTableProps {
  bundles: BundleSummary[];
  selectedId: string | null;
  onSelect: (bundleId: string) => void;
}

/** The library, newest import first; choosing a row opens its detail beside or below. */
export function BundleTable({ bundles, selectedId, onSelect }: BundleTableProps) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="xs" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Product</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Channel</Table.Th>
            <Table.Th>Security counter</Table.Th>
            <Table.Th>Signed by</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Verification</Table.Th>
            <Table.Th>Fits</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {bundles.map((bundle) => {
            const isSelected = bundle.bundleId === selectedId;
            return (
              <Table.Tr
                key={bundle.bundleId}
                data-bundle-id={bundle.bundleId}
                aria-selected={isSelected}
                bg={isSelected ? 'var(--mantine-primary-color-light)' : undefined}
                style={{ cursor: 'pointer' }}
                onClick={() => onSelect(bundle.bundleId)}
              >
                <Table.Td>
                  <UnstyledButton
                    onClick={(event) => {
                      event.stopPropagation();
                      onSelect(bundle.bundleId);
                    }}
                    aria-label={`Show ${bundle.product} ${bundle.version}`}
                  >
                    <Text size="sm" fw={500}>
                      {bundle.product}
                    </Text>
                  </UnstyledButton>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {bundle.version}
                  </Text>
                </Table.Td>
                <Table.Td>{bundle.channel}</Table.Td>
                <Table.Td>{bundle.securityCounter}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm">{bundle.signedBy.map((signer) => signer.name).join(', ')}</Text>
                    {bundle.isDevelopmentSigned && <DevelopmentKeyBadge />}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {formatTimestamp(bundle.expiresAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <VerificationBadge verification={bundle.verification} />
                </Table.Td>
                <Table.Td>
                  {bundle.fittingDeviceCount === 1 ? '1 device' : `${bundle.fittingDeviceCount} devices`}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
