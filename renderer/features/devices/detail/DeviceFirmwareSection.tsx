import { Anchor, Badge, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { Device, LedgerEvent } from '../../../../shared/contract';
import { CopyTextButton } from '../../../ui/CopyTextButton';
import { EmptyState } from '../../../ui/EmptyState';
import { ErrorNotice } from '../../../ui/ErrorNotice';
import { Section } from '../../../ui/Section';
import { FIRMWARE_HREF } from '../../firmware/firmware-href';
import { FlashConfirm } from '../../firmware/FlashConfirm';
import { useFirmwareLibrary } from '../../firmware/use-firmware-library';
import { DevelopmentKeyBadge } from '../../firmware/VerificationBadge';
import { JobOutcome } from '../../jobs/JobOutcome';
import { JOBS_HREF } from '../../jobs/jobs-href';
import { useStartedJob } from '../../jobs/use-started-job';
import { installedFirmware, type RecordedSlot } from './installed-firmware';

interface DeviceFirmwareSectionProps {
  deviceId: string;
  device: Device | null | undefined;
  /** The device's ledger history, newest first; `undefined` while loading. */
  events: LedgerEvent[] | undefined;
}

/**
 * A device's firmware (ux.md, "Device detail → Firmware"): what the ledger and discovery know is
 * installed, the library's bundles that fit it, "Flash" with a confirmation, and the job's live
 * progress and outcome right here.
 */
export function DeviceFirmwareSection({ deviceId, device, events }: DeviceFirmwareSectionProps) {
  const library = useFirmwareLibrary(deviceId);
  const flash = useStartedJob(deviceId);
  const installed = events === undefined ? undefined : installedFirmware(events);
  const label = device?.serial ?? deviceId;
  const fitting = library.data?.bundles.filter((bundle) => bundle.fit?.fits === true);
  const isConnected = (device?.sightings.length ?? 0) > 0;

  return (
    <Section
      title="Firmware"
      aside={
        <Anchor href={JOBS_HREF} size="sm">
          All jobs
        </Anchor>
      }
    >
      <Stack gap="md">
        <Stack gap={4}>
          <Group gap="xs">
            <Text size="sm" c="dimmed" w={110}>
              Installed
            </Text>
            {events === undefined ? (
              <Skeleton height={16} width={120} />
            ) : (
              <Text size="sm" ff="monospace">
                {installed?.version ?? device?.firmwareVersion ?? 'unknown'}
              </Text>
            )}
          </Group>
          {installed?.imageHash && (
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" c="dimmed" w={110}>
                Image hash
              </Text>
              <Text size="sm" ff="monospace">
                {installed.imageHash.slice(0, 16)}…
              </Text>
              <CopyTextButton value={installed.imageHash} label="Copy image hash" />
            </Group>
          )}
          {installed && installed.slots.length > 0 && <SlotTable slots={installed.slots} />}
          {events !== undefined && installed === null && (
            <Text size="xs" c="dimmed">
              No flash of this device is recorded yet; the version is what discovery read from the device.
            </Text>
          )}
        </Stack>

        {flash.job !== undefined && (
          <JobOutcome
            job={flash.job}
            progress={flash.progress}
            deviceLabel={label}
            onStarted={flash.started}
          />
        )}

        <Stack gap="xs">
          <Text size="sm" fw={500}>
            Bundles that fit
          </Text>
          {library.error !== null && <ErrorNotice error={library.error} onRetry={library.reload} />}
          {fitting === undefined && library.error === null && <Skeleton height={40} />}
          {fitting !== undefined && fitting.length === 0 && (
            <EmptyState
              headingOrder={3}
              title="No bundle in the library fits this device"
              nextStep="Import the signed bundle built for this device’s hardware in the Firmware view."
            >
              <Anchor href={FIRMWARE_HREF}>Open the Firmware library</Anchor>
            </EmptyState>
          )}
          {fitting !== undefined &&
            fitting.map((bundle) => (
              <Group
                key={bundle.bundleId}
                justify="space-between"
                align="flex-start"
                data-bundle-id={bundle.bundleId}
                wrap="nowrap"
              >
                <Stack gap={0}>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {bundle.product} {bundle.version}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {bundle.channel}
                    </Badge>
                    {bundle.isDevelopmentSigned && <DevelopmentKeyBadge />}
                  </Group>
                  <Text size="xs" c="dimmed">
                    security counter {bundle.securityCounter} · signed by{' '}
                    {bundle.signedBy.map((signer) => signer.name).join(', ')}
                  </Text>
                </Stack>
                <FlashConfirm
                  plan={{
                    deviceId,
                    deviceLabel: label,
                    currentVersion: installed?.version ?? device?.firmwareVersion ?? null,
                    product: bundle.product,
                    version: bundle.version,
                    bundlePath: bundle.path,
                    isDevelopmentSigned: bundle.isDevelopmentSigned,
                  }}
                  disabledReason={isConnected ? null : 'Not connected: plug it in to flash it'}
                  onStarted={flash.started}
                />
              </Group>
            ))}
        </Stack>
      </Stack>
    </Section>
  );
}

function SlotTable({ slots }: { slots: RecordedSlot[] }) {
  return (
    <Table verticalSpacing={4} withTableBorder={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Slot</Table.Th>
          <Table.Th>Version</Table.Th>
          <Table.Th>Hash</Table.Th>
          <Table.Th>State</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {slots.map((slot) => (
          <Table.Tr key={slot.slot}>
            <Table.Td>{slot.slot}</Table.Td>
            <Table.Td ff="monospace">{slot.version}</Table.Td>
            <Table.Td ff="monospace">{slot.hash.slice(0, 12)}</Table.Td>
            <Table.Td>
              {[slot.isActive && 'active', slot.isConfirmed && 'confirmed', slot.isPending && 'pending']
                .filter(Boolean)
                .join(', ') || '—'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
