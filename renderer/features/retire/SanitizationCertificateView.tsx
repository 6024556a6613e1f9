import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { CopyTextButton } from '../../ui/CopyTextButton';
import { formatTimestamp } from '../../ui/format-time';
import { Section } from '../../ui/Section';
import { downloadText } from '../records/records-export';
import { certificateFileName, type SanitizationCertificate } from './retirement-records';

/**
 * The certificate of sanitization as signed (main/core/retirement/README.md): who and what, the
 * method, each action with how it was verified, the revocations queued, and the signature with the
 * station key's fingerprint; "Download certificate" saves the exact JSON from the ledger, which
 * `fieldline retire verify-certificate` checks.
 */
export function SanitizationCertificateView({ certificate }: { certificate: SanitizationCertificate }) {
  const { body, signature } = certificate;
  return (
    <Section
      title="Certificate of sanitization"
      aside={
        <Button size="xs" variant="light" onClick={() => download(certificate)}>
          Download certificate
        </Button>
      }
    >
      <Stack gap="sm">
        <Fields
          rows={[
            ['Device', `${body.device.serial} · ${body.device.model}`],
            ['Hardware id', body.device.hardwareId],
            ['Method', `${body.method.standard} ${capitalize(body.method.level)}`],
            ['Technique', body.method.technique],
            ['Operator', body.operator],
            ['Station', body.station.id],
            ['Completed', formatTimestamp(body.completedAt)],
            ['Remaining on the device', body.remaining.length === 0 ? 'nothing' : body.remaining.join(', ')],
          ]}
        />
        <WipeEvidence actions={body.actions} />
        {body.revocations.length > 0 && (
          <Text size="sm">
            Certificate revocation queued for the fleet server (sent at the next sync):{' '}
            {body.revocations.map((revocation) => `serial ${revocation.certificateSerial}`).join(', ')}.
          </Text>
        )}
        <Stack gap={4} role="group" aria-label="Signature">
          <Text size="sm" fw={500}>
            Signed by this station ({signature.algorithm})
          </Text>
          <Group gap={6} wrap="nowrap">
            <Text size="sm" c="dimmed">
              Station key fingerprint (SHA-256)
            </Text>
            <Text size="sm" ff="monospace" data-testid="station-key-fingerprint" style={{ wordBreak: 'break-all' }}>
              {signature.keyId}
            </Text>
            <CopyTextButton value={signature.keyId} label="Copy station key fingerprint" />
          </Group>
          <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
            signature {signature.value.slice(0, 32)}…
          </Text>
        </Stack>
      </Stack>
    </Section>
  );
}

/** What was done and how each part was verified by reading back. */
export function WipeEvidence({ actions }: { actions: SanitizationCertificate['body']['actions'] }) {
  return (
    <Table withTableBorder verticalSpacing={4} aria-label="Wipe evidence">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Action</Table.Th>
          <Table.Th>Result</Table.Th>
          <Table.Th>Verified by reading back</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {actions.map((action) => (
          <Table.Tr key={action.name} data-action={action.name}>
            <Table.Td>
              <Text size="sm">{action.name}</Text>
              <Text size="xs" c="dimmed">
                {action.command}
                {action.targets.length > 0 && ` · ${action.targets.join(', ')}`}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{action.result}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {action.verification.checked}: {action.verification.result}
              </Text>
              <Text size="xs" c="dimmed">
                {action.verification.how}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Fields({ rows }: { rows: Array<[string, string]> }) {
  return (
    <Table variant="vertical" withTableBorder verticalSpacing={4} aria-label="Certificate fields">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={200}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Saves the certificate exactly as the ledger holds it, so its signature still verifies. */
function download(certificate: SanitizationCertificate): void {
  downloadText(certificateFileName(certificate), 'application/json', `${JSON.stringify(certificate, null, 2)}\n`);
}
