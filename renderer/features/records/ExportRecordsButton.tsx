import { Button, Group, Menu, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import type { LedgerFilters } from './ledger-feed';
import {
  collectRecords,
  downloadText,
  recordsToCsv,
  recordsToJson,
  type ExportFormat,
} from './records-export';

/** Exports every record matching the filters (not just the loaded pages) as CSV or JSON. */
export function ExportRecordsButton({ filters }: { filters: LedgerFilters }) {
  const bridge = useBridge();
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = async (format: ExportFormat): Promise<void> => {
    controller.current = new AbortController();
    setError(null);
    setCount(0);
    try {
      const events = await collectRecords(bridge, filters, {
        signal: controller.current.signal,
        onProgress: setCount,
      });
      const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
      if (format === 'csv') downloadText(`fieldline-records-${stamp}.csv`, 'text/csv', recordsToCsv(events));
      else downloadText(`fieldline-records-${stamp}.json`, 'application/json', recordsToJson(events));
    } catch (caught: unknown) {
      const appError = toAppError(caught);
      if (appError.code !== 'CANCELLED') setError(appError);
    } finally {
      setCount(null);
      controller.current = null;
    }
  };

  return (
    <>
      {count === null ? (
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="default">Export…</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>Every record matching the filters</Menu.Label>
            <Menu.Item onClick={() => void run('csv')}>CSV (spreadsheets)</Menu.Item>
            <Menu.Item onClick={() => void run('json')}>JSON (with hashes, for audits)</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      ) : (
        <Group gap="xs">
          <Text size="sm" role="status">
            Collecting records… {count.toLocaleString('en')}
          </Text>
          <Button variant="subtle" onClick={() => controller.current?.abort()}>
            Cancel export
          </Button>
        </Group>
      )}
      {error !== null && <ErrorNotice error={error} />}
    </>
  );
}
