import { Table } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { Device } from '../../../shared/contract';
import classes from './DeviceTable.module.css';
import { DeviceRow } from './DeviceRow';

const ESTIMATED_ROW_HEIGHT_PX = 41;
const COLUMNS = ['State', 'Model', 'Serial / ID', 'Firmware', 'Seen on', 'Last action', 'Updated'];
// Fixed layout keeps columns still while rows scroll in and out; the addresses get the slack.
const COLUMN_WIDTHS = ['7.5rem', '9rem', '12rem', '6rem', 'auto', '10rem', '10.5rem'];

interface DeviceTableProps {
  devices: Device[];
  highlightedIds: ReadonlySet<string>;
  /** Opens a device's detail: a click on its row, or Enter on the focused row. */
  onOpen: (deviceId: string) => void;
}

/**
 * Only the rows in view are in the DOM (100,000 devices must stay ≤ 100 rows, quality.md); spacer
 * rows above and below keep the scrollbar honest while the table keeps real row and column semantics.
 */
export function DeviceTable({ devices, highlightedIds, onOpen }: DeviceTableProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: devices.length,
    getScrollElement: () => viewportRef.current,
    estimateSize: () => ESTIMATED_ROW_HEIGHT_PX,
    getItemKey: (index) => devices[index]?.id ?? index,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const spaceAbovePx = items[0]?.start ?? 0;
  const spaceBelowPx = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <div ref={viewportRef} className={classes.viewport} data-virtual-viewport="">
      <Table
        stickyHeader
        highlightOnHover
        layout="fixed"
        verticalSpacing={6}
        aria-rowcount={devices.length + 1}
      >
        <colgroup>
          {COLUMN_WIDTHS.map((width, index) => (
            <col key={index} style={{ width }} />
          ))}
        </colgroup>
        <Table.Thead>
          <Table.Tr aria-rowindex={1}>
            {COLUMNS.map((column) => (
              <Table.Th key={column} scope="col">
                {column}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {spaceAbovePx > 0 && <SpacerRow heightPx={spaceAbovePx} />}
          {items.map((item) => {
            const device = devices[item.index];
            if (device === undefined) return null;
            return (
              <DeviceRow
                key={item.key}
                device={device}
                index={item.index}
                isNew={highlightedIds.has(device.id)}
                measureRef={virtualizer.measureElement}
                onOpen={onOpen}
              />
            );
          })}
          {spaceBelowPx > 0 && <SpacerRow heightPx={spaceBelowPx} />}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function SpacerRow({ heightPx }: { heightPx: number }) {
  return (
    <tr aria-hidden="true" className={classes.spacer} style={{ height: heightPx }}>
      <td colSpan={COLUMNS.length} />
    </tr>
  );
}
