import { Code, Text } from '@mantine/core';
import type { JsonValue } from '../../../../shared/contract';
import classes from './DeviceDetail.module.css';

/**
 * An event's payload as evidence: one line per field, key then value, values in monospace so hashes
 * and versions line up. Nested values are shown as compact JSON rather than hidden.
 */
export function EvidenceList({ payload }: { payload: JsonValue }) {
  if (payload === null || (isRecord(payload) && Object.keys(payload).length === 0)) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  if (!isRecord(payload)) return <Value value={payload} />;
  return (
    <dl className={classes.evidence}>
      {Object.entries(payload).map(([key, value]) => (
        <div key={key} className={classes.evidenceItem}>
          <dt>{key}</dt>
          <dd>
            <Value value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Value({ value }: { value: JsonValue }) {
  if (value === null) return <span className={classes.dimmed}>null</span>;
  if (typeof value === 'object') return <Code>{JSON.stringify(value)}</Code>;
  return <span className={classes.mono}>{String(value)}</span>;
}

function isRecord(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
