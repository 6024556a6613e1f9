import { Badge, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RecordedCertificate } from '../../../../shared/contract';
import { useCommand, useEvent } from '../../../bridge';
import { CopyTextButton } from '../../../ui/CopyTextButton';
import { EmptyState } from '../../../ui/EmptyState';
import { ErrorNotice } from '../../../ui/ErrorNotice';
import { formatTimestamp } from '../../../ui/format-time';
import { Section } from '../../../ui/Section';
import { certificateValidity, describeValidity } from './certificate-validity';

const SOURCE_LABEL: Record<RecordedCertificate['source'], string> = { est: 'EST', 'offline-ca': 'Offline CA' };

/**
 * The device certificate the ledger recorded (`identity:certificate`): subject, issuer, serial,
 * fingerprint, validity with a warning when it runs out within 30 days, where it came from, and the
 * certificates before it (renewals, re-enrollment after a re-flash).
 */
export function DeviceCertificateSection({ deviceId }: { deviceId: string }) {
  const answer = useCommand('identity:certificate', { deviceId });
  useEvent('ledger:changed', answer.reload);
  const certificate = answer.data?.certificate;
  const previous = answer.data?.history ?? [];
  return (
    <Section title="Certificate">
      {answer.error !== null && <ErrorNotice error={answer.error} onRetry={answer.reload} />}
      {answer.data === undefined && answer.error === null && <Skeleton height={120} />}
      {certificate === null && (
        <EmptyState
          headingOrder={3}
          title="No certificate enrolled here"
          nextStep="Provision the device with a recipe (Provision…): it enrolls a certificate from the configured issuer."
        />
      )}
      {certificate != null && (
        <Stack gap="sm">
          <CertificateFields certificate={certificate} />
          {previous.length > 0 && <PreviousCertificates certificates={previous} />}
        </Stack>
      )}
    </Section>
  );
}

function CertificateFields({ certificate }: { certificate: RecordedCertificate }) {
  const validity = certificateValidity(certificate.notBefore, certificate.notAfter, Date.now());
  const color = validity.state === 'valid' ? 'teal' : validity.state === 'expiring' ? 'orange' : 'red';
  return (
    <Table variant="vertical" withTableBorder verticalSpacing={4} aria-label="Device certificate">
      <Table.Tbody>
        <Row label="Subject">{certificate.subject}</Row>
        <Row label="Issuer">{certificate.issuer}</Row>
        <Row label="Serial">
          <Text span size="sm" ff="monospace">
            {certificate.certificateSerial}
          </Text>
        </Row>
        <Row label="Fingerprint">
          <Group gap={4} wrap="nowrap">
            <Text span size="sm" ff="monospace" title={certificate.fingerprintSha256}>
              {certificate.fingerprintSha256.slice(0, 16)}…
            </Text>
            <CopyTextButton value={certificate.fingerprintSha256} label="Copy fingerprint" />
          </Group>
        </Row>
        <Row label="Valid">
          <Group gap={6}>
            <Text span size="sm">
              {formatTimestamp(certificate.notBefore)} – {formatTimestamp(certificate.notAfter)}
            </Text>
            <Badge variant="light" color={color} data-validity={validity.state}>
              {describeValidity(validity)}
            </Badge>
          </Group>
        </Row>
        <Row label="Source">
          {SOURCE_LABEL[certificate.source]} · {certificate.issuerDescription} · {certificate.mode}
        </Row>
      </Table.Tbody>
    </Table>
  );
}

function PreviousCertificates({ certificates }: { certificates: RecordedCertificate[] }) {
  return (
    <details>
      <summary>
        <Text span size="sm">
          {certificates.length === 1 ? '1 previous certificate' : `${certificates.length} previous certificates`}
        </Text>
      </summary>
      <Table withTableBorder verticalSpacing={4} mt="xs" aria-label="Previous certificates">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Serial</Table.Th>
            <Table.Th>Fingerprint</Table.Th>
            <Table.Th>Valid until</Table.Th>
            <Table.Th>Source</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {certificates.map((certificate) => (
            <Table.Tr key={certificate.eventId}>
              <Table.Td ff="monospace">{certificate.certificateSerial}</Table.Td>
              <Table.Td ff="monospace" title={certificate.fingerprintSha256}>
                {certificate.fingerprintSha256.slice(0, 16)}…
              </Table.Td>
              <Table.Td>{formatTimestamp(certificate.notAfter)}</Table.Td>
              <Table.Td>{SOURCE_LABEL[certificate.source]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </details>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={110}>{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}
