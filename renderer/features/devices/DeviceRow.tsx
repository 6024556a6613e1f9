import { Anchor, Table, Text } from '@mantine/core';
import type { KeyboardEvent, MouseEvent, Ref } from 'react';
import type { Device } from '../../../shared/contract';
import { formatTimestamp } from '../../ui/format-time';
import { deviceHref } from './device-href';
import classes from './DeviceTable.module.css';
import { DeviceStateBadge } from './DeviceStateBadge';
import { SightingList } from './SightingList';

interface DeviceRowProps {
  device: Device;
  isNew: boolean;
  /** Position in the whole list, for the virtualizer and `aria-rowindex` (the header is row 1). */
  index: number;
  measureRef: Ref<HTMLTableRowElement>;
  onOpen: (deviceId: string) => void;
}

/**
 * One device. The whole row opens the detail (a big target for a gloved hand); the row is focusable,
 * Enter opens it and the arrow keys move between rows. The serial is also a real link, so screen
 * readers list it among the page's links; it is left out of the Tab order because the row is in it.
 */
export function DeviceRow({ device, isNew, index, measureRef, onOpen }: DeviceRowProps) {
  const open = (event: MouseEvent) => {
    // Dragging over the row to select a serial is not a request to open it.
    if (window.getSelection()?.type === 'Range') return;
    if (event.target instanceof HTMLAnchorElement) return; // the link navigates by itself
    onOpen(device.id);
  };
  return (
    <Table.Tr
      ref={measureRef}
      data-index={index}
      data-device-id={device.id}
      data-new={isNew || undefined}
      aria-rowindex={index + 2}
      tabIndex={0}
      className={isNew ? `${classes.row} ${classes.newRow}` : classes.row}
      onClick={open}
      onKeyDown={(event) => handleRowKey(event, device.id, onOpen)}
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
          <Anchor href={deviceHref(device.id)} tabIndex={-1} inherit c="inherit">
            {device.serial ?? device.id}
          </Anchor>
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

function handleRowKey(
  event: KeyboardEvent<HTMLTableRowElement>,
  deviceId: string,
  onOpen: (id: string) => void,
) {
  if (event.target !== event.currentTarget) return;
  if (event.key === 'Enter') {
    event.preventDefault();
    onOpen(deviceId);
    return;
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  // Neighbouring rows are in the DOM (the virtualizer renders an overscan); spacer rows are not focusable.
  const sibling =
    event.key === 'ArrowDown'
      ? event.currentTarget.nextElementSibling
      : event.currentTarget.previousElementSibling;
  if (sibling instanceof HTMLTableRowElement && sibling.tabIndex === 0) {
    event.preventDefault();
    sibling.focus();
  }
}
