import { Alert, Anchor, Code, Group, SimpleGrid, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { BundleSummary, DeviceFit } from '../../../shared/contract';
import { ERROR_TABLE } from '../../../shared/errors';
import { useCommand, useEvent } from '../../bridge';
import { CopyTextButton } from '../../ui/CopyTextButton';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatTimestamp } from '../../ui/format-time';
import { Section } from '../../ui/Section';
import { deviceHref } from '../devices/device-href';
import { formatBytes } from '../jobs/job-format';
import { JobOutcome } from '../jobs/JobOutcome';
import { useStartedJob } from '../jobs/use-started-job';
import { FlashConfirm } from './FlashConfirm';
import { useCoalescedReload } from './use-coalesced-reload';
import { DevelopmentKeyBadge } from './VerificationBadge';

/** One bundle: its verification now, what it holds, and the devices it fits, each with "Flash". */
export function BundleDetail({ bundleId }: { bundleId: string }) {
  const detail = useCommand('firmware:get', { bundleId });
  // A finished job changes what the ledger knows about a device (its security counter), hence the fit.
  useEvent('jobs:changed', ({ job }) => {
    if (job.state !== 'running' && job.state !== 'queued') detail.reload();
  });
  useEvent('firmware:changed', detail.reload);
  // A device of this bundle's hardware appeared, changed or went: which devices it fits may have changed.
  const reloadSoon = useCoalescedReload(detail.reload);
  const hardwareIds = detail.data?.bundle.hardware.map((entry) => entry.id) ?? [];
  useEvent('devices:changed', ({ upserted, removedIds }) => {
    const isRelevant =
      removedIds.length > 0 ||
      upserted.some((device) => device.model !== null && hardwareIds.includes(device.model));
    if (isRelevant) reloadSoon();
  });
  const flash = useStartedJob();

  if (detail.data === undefined) {
    return detail.error !== null ? (
      <ErrorNotice error={detail.error} onRetry={detail.reload} />
    ) : (
      <Skeleton height={240} />
    );
  }
  const { bundle, fittingDevices, unfitDevices } = detail.data;
  return (
    <Stack gap="lg" data-bundle-detail={bundle.bundleId}>
      <Section
        title={`${bundle.product} ${bundle.version}`}
        aside={bundle.isDevelopmentSigned && <DevelopmentKeyBadge />}
      >
        <Stack gap="sm">
          <VerificationResult bundle={bundle} />
          <BundleFacts bundle={bundle} />
        </Stack>
      </Section>
      <Section
        title="Devices it fits"
        aside={
          <Text size="sm" c="dimmed">
            {fittingDevices.length === 1 ? '1 device' : `${fittingDevices.length} devices`}
          </Text>
        }
      >
        {flash.job !== undefined && (
          <JobOutcome
            job={flash.job}
            progress={flash.progress}
            deviceLabel={
              fittingDevices.find((fit) => fit.deviceId === flash.job?.deviceId)?.serial ?? flash.job.deviceId
            }
            onStarted={flash.started}
          />
        )}
        {fittingDevices.length === 0 ? (
          <EmptyState
            headingOrder={3}
            title="No known device fits this bundle"
            nextStep={`Connect a ${bundle.hardware.map((entry) => entry.id).join(' or ')} device (revision ${bundle.hardware.flatMap((entry) => entry.revisions).join(', ')}), or start the device lab (npm run lab).`}
          />
        ) : (
          <FitTable fits={fittingDevices} bundle={bundle} onStarted={flash.started} />
        )}
        {unfitDevices.length > 0 && <UnfitList fits={unfitDevices} />}
      </Section>
    </Stack>
  );
}

function VerificationResult({ bundle }: { bundle: BundleSummary }) {
  const { verification } = bundle;
  if (verification.status === 'passed') {
    return (
      <Alert color="green" variant="light" title="Verified">
        <Text size="sm">
          Release signature by {bundle.signedBy.map((signer) => signer.name).join(', ')} against the trust
          store, the manifest, and every image (hash and format; MCUboot signatures against the product’s
          image key) — checked {formatTimestamp(verification.checkedAt)}.
        </Text>
      </Alert>
    );
  }
  const { refusal } = verification;
  return (
    <Alert color="red" variant="light" title={`Refused: ${ERROR_TABLE[refusal.code].title}`}>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Failed check: {refusal.check ?? refusal.code}
        </Text>
        <Code block>{`${refusal.code}: ${refusal.message}`}</Code>
        <Text size="sm">{ERROR_TABLE[refusal.code].action}</Text>
      </Stack>
    </Alert>
  );
}

function BundleFacts({ bundle }: { bundle: BundleSummary }) {
  const facts: [string, ReactNode][] = [
    ['Channel', bundle.channel],
    ['Security counter', String(bundle.securityCounter)],
    [
      'Hardware',
      bundle.hardware.map((entry) => `${entry.id} (rev ${entry.revisions.join(', ')})`).join('; '),
    ],
    ['Issued', formatTimestamp(bundle.issuedAt)],
    ['Expires', formatTimestamp(bundle.expiresAt)],
    ['File', `${bundle.fileName} · ${formatBytes(bundle.sizeBytes)}`],
    [
      'Bundle SHA-256',
      <Group key="sha" gap={4} wrap="nowrap">
        <Text size="sm" ff="monospace">
          {bundle.bundleId.slice(0, 16)}…
        </Text>
        <CopyTextButton value={bundle.bundleId} label="Copy bundle hash" />
      </Group>,
    ],
    [
      'Images',
      bundle.images
        .map(
          (image) =>
            `${image.file} · ${image.protocol} ${image.slot === null ? `at 0x${(image.address ?? 0).toString(16)}` : `slot ${image.slot}`} · ${formatBytes(image.sizeBytes)}`,
        )
        .join('; '),
    ],
  ];
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4} verticalSpacing={4}>
      {facts.map(([label, value]) => (
        <Group key={label} gap="xs" wrap="nowrap" align="baseline">
          <Text size="sm" c="dimmed" w={130}>
            {label}
          </Text>
          {typeof value === 'string' ? <Text size="sm">{value}</Text> : value}
        </Group>
      ))}
    </SimpleGrid>
  );
}

function FitTable({
  fits,
  bundle,
  onStarted,
}: {
  fits: DeviceFit[];
  bundle: BundleSummary;
  onStarted: Parameters<typeof FlashConfirm>[0]['onStarted'];
}) {
  return (
    <Table verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Device</Table.Th>
          <Table.Th>Model</Table.Th>
          <Table.Th>Firmware now</Table.Th>
          <Table.Th>Flash</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {fits.map((fit) => {
          const label = fit.serial ?? fit.deviceId;
          return (
            <Table.Tr key={fit.deviceId} data-device-id={fit.deviceId}>
              <Table.Td>
                <Anchor href={deviceHref(fit.deviceId)} size="sm" ff="monospace">
                  {label}
                </Anchor>
              </Table.Td>
              <Table.Td>{fit.model}</Table.Td>
              <Table.Td>{fit.firmwareVersion ?? 'unknown'}</Table.Td>
              <Table.Td>
                <FlashConfirm
                  plan={{
                    deviceId: fit.deviceId,
                    deviceLabel: label,
                    currentVersion: fit.firmwareVersion,
                    product: bundle.product,
                    version: bundle.version,
                    bundlePath: bundle.path,
                    isDevelopmentSigned: bundle.isDevelopmentSigned,
                  }}
                  disabledReason={fit.isConnected ? null : 'Not connected: plug it in to flash it'}
                  onStarted={onStarted}
                />
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function UnfitList({ fits }: { fits: DeviceFit[] }) {
  return (
    <details>
      <summary>
        <Text span size="sm">
          {fits.length === 1
            ? '1 device of this hardware does not fit'
            : `${fits.length} devices of this hardware do not fit`}
        </Text>
      </summary>
      <Stack gap={2} mt="xs">
        {fits.map((fit) => (
          <Text key={fit.deviceId} size="sm">
            <Anchor href={deviceHref(fit.deviceId)} ff="monospace">
              {fit.serial ?? fit.deviceId}
            </Anchor>
            {' — '}
            {fit.refusal?.message ?? 'does not fit'}
          </Text>
        ))}
      </Stack>
    </details>
  );
}
