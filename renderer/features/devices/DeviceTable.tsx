import { Skeleton, Table, VisuallyHidden } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { Device } from '../../../shared/contract';
import classes from './DeviceTable.module.css';
import { DeviceRow } from './DeviceRow';

const ESTIMATED_ROW_HEIGHT_PX = 41;
/** Rows rendered beyond each edge of the viewport; with a tall window still far below 100 rows in the DOM. */
const OVERSCAN_ROWS = 10;
const COLUMNS = ['State', 'Model', 'Serial / ID', 'Firmware', 'Seen on', 'Last action', 'Updated'];
// Fixed layout keeps columns still while rows scroll in and out; the addresses get the slack.
const COLUMN_WIDTHS = ['7.5rem', '9rem', '12rem', '6rem', 'auto', '10rem', '10.5rem'];

interface DeviceTableProps {
  /** Rows in the filtered list; only those in view are ever fetched or rendered. */
  rowCount: number;
  /** The device at a row, or undefined while its page is on its way (a placeholder row is shown). */
  rowAt: (index: number) => Device | undefined;
  /** Which rows are rendered now, overscan included, so their pages can be fetched. */
  onRowsShown: (firstIndex: number, lastIndex: number) => void;
  highlightedIds: ReadonlySet<string>;
  /** Opens a device's detail: a click on its row, or Enter on the focused row. */
  onOpen: (deviceId: string) => void;
}

/**
 * Only the rows in view are in the DOM (100,000 devices must stay ≤ 100 rows, quality.md); spacer
 * rows above and below keep the scrollbar honest while the table keeps real row and column semantics.
 */
export function DeviceTable({ rowCount, rowAt, onRowsShown, highlightedIds, onOpen }: DeviceTableProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => viewportRef.current,
    estimateSize: () => ESTIMATED_ROW_HEIGHT_PX,
    getItemKey: (index) => rowAt(index)?.id ?? `row-${index}`,
    overscan: OVERSCAN_ROWS,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => onRowsShown(firstIndex, lastIndex), [firstIndex, lastIndex, onRowsShown]);
  const spaceAbovePx = items[0]?.start ?? 0;
  const spaceBelowPx = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <div ref={viewportRef} className={classes.viewport} data-virtual-viewport="">
      <Table
        stickyHeader
        highlightOnHover
        layout="fixed"
        verticalSpacing={6}
        aria-rowcount={rowCount + 1}
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
            const device = rowAt(item.index);
            if (device === undefined) {
              return <PendingRow key={item.key} index={item.index} measureRef={virtualizer.measureElement} />;
            }
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

/** A row whose device is still being fetched: a skeleton, not a spinner (ux.md). */
function PendingRow({ index, measureRef }: { index: number; measureRef: (element: HTMLTableRowElement | null) => void }) {
  return (
    <Table.Tr ref={measureRef} data-index={index} data-pending="" aria-rowindex={index + 2} aria-busy="true">
      <Table.Td colSpan={COLUMNS.length}>
        <Skeleton height={20} radius="sm" />
        <VisuallyHidden>Loading device…</VisuallyHidden>
      </Table.Td>
    </Table.Tr>
  );
}

function SpacerRow({ heightPx }: { heightPx: number }) {
  return (
    <tr aria-hidden="true" className={classes.spacer} style={{ height: heightPx }}>
      <td colSpan={COLUMNS.length} />
    </tr>
  );
}
