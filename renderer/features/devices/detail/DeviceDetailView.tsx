import { Anchor, Group, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useCommand } from '../../../bridge';
import { EmptyState } from '../../../ui/EmptyState';
import { ErrorNotice } from '../../../ui/ErrorNotice';
import { LoadingRows } from '../../../ui/LoadingRows';
import { Section } from '../../../ui/Section';
import { View } from '../../../ui/View';
import { DEVICES_HREF } from '../device-href';
import { DeviceStateBadge } from '../DeviceStateBadge';
import { DeviceFirmwareSection } from './DeviceFirmwareSection';
import { DeviceHistoryTable } from './DeviceHistoryTable';
import { DeviceIdentity } from './DeviceIdentity';
import { DeviceSightings } from './DeviceSightings';
import { DeviceActions } from './DeviceActions';
import { DeviceCertificateSection } from './DeviceCertificateSection';
import { DeviceConfigurationSection } from './DeviceConfigurationSection';
import { useDeviceById } from '../use-device-by-id';
import { useDeviceHistory } from './use-device-history';

/** One device (ux.md, "Device detail"): what it is, where it is seen, and its ledger history. */
export function DeviceDetailView({ deviceId }: { deviceId: string }) {
  const lookup = useDeviceById(deviceId);
  const history = useDeviceHistory(deviceId);
  const info = useCommand('app:info');
  const { device } = lookup;
  const isUnknown = device === null && history.events?.length === 0;

  return (
    <Stack gap={4}>
      <Anchor href={DEVICES_HREF} size="sm" w="fit-content">
        ← Back to devices
      </Anchor>
      <View
        title={`Device ${device?.serial ?? deviceId}`}
        aside={
          <Group gap="sm">
            {device && <DeviceStateBadge state={device.state} />}
            {!isUnknown && <DeviceActions deviceId={deviceId} device={device} />}
          </Group>
        }
        focusHeadingOnMount
      >
        {lookup.error !== null && <ErrorNotice error={lookup.error} onRetry={lookup.reload} />}
        {isUnknown ? (
          <EmptyState
            title="Device not found"
            nextStep={`This station has no device with id ${deviceId}: it is not connected and has no records here.`}
          >
            <Anchor href={DEVICES_HREF}>Show all devices</Anchor>
          </EmptyState>
        ) : (
          <Stack gap="xl">
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
              <Section title="Overview">
                {device === undefined && lookup.error === null && <Skeleton height={180} />}
                {device === null && (
                  <Text size="sm" c="dimmed">
                    The station does not list this device right now; its records are below.
                  </Text>
                )}
                {device && <DeviceIdentity device={device} />}
              </Section>
              <Section title="Seen on">
                {device === undefined && lookup.error === null && <Skeleton height={60} />}
                {device !== undefined && <DeviceSightings sightings={device?.sightings ?? []} />}
              </Section>
            </SimpleGrid>
            <DeviceFirmwareSection deviceId={deviceId} device={device} events={history.events} />
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
              <DeviceCertificateSection deviceId={deviceId} />
              <DeviceConfigurationSection events={history.events} />
            </SimpleGrid>
            <Section
              title="History"
              aside={
                history.events !== undefined &&
                history.events.length > 0 && (
                  <Text size="sm" c="dimmed">
                    {history.events.length === 1 ? '1 record' : `${history.events.length} records`}
                  </Text>
                )
              }
            >
              <HistoryContent history={history} stationId={info.data?.stationId} />
            </Section>
          </Stack>
        )}
      </View>
    </Stack>
  );
}

function HistoryContent({
  history,
  stationId,
}: {
  history: ReturnType<typeof useDeviceHistory>;
  stationId: string | undefined;
}) {
  const { events, error, reload } = history;
  return (
    <>
      {error !== null && <ErrorNotice error={error} onRetry={reload} />}
      {events === undefined && error === null && <LoadingRows label="Loading history…" rows={3} />}
      {events !== undefined && events.length === 0 && (
        <EmptyState
          headingOrder={3}
          title="No records about this device yet"
          nextStep="Discovery, flashing, enrollment and configuration of this device are recorded here as they happen."
        />
      )}
      {events !== undefined && events.length > 0 && (
        <DeviceHistoryTable events={events} stationId={stationId} />
      )}
    </>
  );
}
