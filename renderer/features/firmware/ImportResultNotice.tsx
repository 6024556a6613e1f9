import { Alert, Code, Stack, Text } from '@mantine/core';
import type { CommandOutput } from '../../../shared/contract';
import { ERROR_TABLE } from '../../../shared/errors';
import { formatBytes } from '../jobs/job-format';

/** What an import did: the bundle added (or already there), or which check refused it (ux.md, "Firmware"). */
export function ImportResultNotice({ result }: { result: CommandOutput<'firmware:import'> }) {
  if (result.outcome === 'imported') {
    const { bundle } = result;
    return (
      <Alert
        color="green"
        variant="light"
        title={
          result.isAlreadyInLibrary
            ? `${bundle.product} ${bundle.version} is already in the library`
            : `Imported ${bundle.product} ${bundle.version}`
        }
      >
        <Text size="sm">
          Signature, manifest and every image verified
          {bundle.fittingDeviceCount === 1
            ? ' · fits 1 known device'
            : ` · fits ${bundle.fittingDeviceCount} known devices`}
          .
        </Text>
        {bundle.isDevelopmentSigned && (
          <Text size="sm" c="orange.8" fw={500}>
            Signed with a development key: for the lab only, never for a fleet.
          </Text>
        )}
      </Alert>
    );
  }
  const { refusal } = result;
  const { title, action } = ERROR_TABLE[refusal.code];
  return (
    <Alert color="red" variant="light" title={`Refused ${result.fileName}: ${title}`}>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {refusal.check === null ? 'A check failed' : `Failed check: ${refusal.check}`} · kept out of the
          library
        </Text>
        <Code block>{`${refusal.code}: ${refusal.message}`}</Code>
        <Text size="sm">{action}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {formatBytes(result.sizeBytes)} · SHA-256 {result.bundleSha256}
        </Text>
      </Stack>
    </Alert>
  );
}
