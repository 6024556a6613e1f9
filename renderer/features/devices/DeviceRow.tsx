import { Table, Text } from '@mantine/core';
import type { Ref } from 'react';
import type { Device } from '../../../shared/contract';
import { formatTimestamp } from '../../ui/format-time';
import classes from './DeviceTable.module.css';
import { DeviceStateBadge } from './DeviceStateBadge';
import { SightingList } from './SightingList';

interface DeviceRowProps {
  device: Device;
  isNew: boolean;
  /** Position in the whole list, for the virtualizer and `aria-rowindex` (the header is row 1). */
  index: number;
  measureRef: Ref<HTMLTableRowElement>;
}

export function DeviceRow({ device, isNew, index, measureRef }: DeviceRowProps) {
  return (
    <Table.Tr
      ref={measureRef}
      data-index={index}
      data-device-id={device.id}
      data-new={isNew || undefined}
      aria-rowindex={index + 2}
      className={isNew ? classes.newRow : undefined}
    >
      <Table.Td>
        <DeviceStateBadge state={device.state} />
      </Table.Td>
      <Table.Td>
        {device.model ?? (
          <Text span c="dimmed">
            Unknown
          </Text>
        )}
      </Table.Td>
      <Table.Td ff="monospace">
        {/* Serial and id in elements of their own, so each can be found by its exact text. */}
        <Text size="sm" ff="monospace" truncate>
          {device.serial ?? device.id}
        </Text>
        {device.serial !== null && device.serial !== device.id && (
          <Text size="xs" c="dimmed" ff="monospace" truncate>
            {device.id}
          </Text>
        )}
      </Table.Td>
      <Table.Td ff="monospace">{device.firmwareVersion ?? '—'}</Table.Td>
      <Table.Td>
        <SightingList sightings={device.sightings} />
      </Table.Td>
      <Table.Td>{device.lastAction ?? '—'}</Table.Td>
      <Table.Td>
        <time dateTime={device.updatedAt}>{formatTimestamp(device.updatedAt)}</time>
      </Table.Td>
    </Table.Tr>
  );
}
