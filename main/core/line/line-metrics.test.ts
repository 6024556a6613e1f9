import { describe, expect, it } from 'vitest';
import type { LineSnapshot } from '../../../shared/contract/line';
import { emptyTile } from './port-board';
import { renderLineMetrics } from './line-metrics';

const line: LineSnapshot = {
  state: 'running',
  work: { kind: 'bundle', path: '/b.fwb', label: 'fw 1.0.0', version: '1.0.0', key: 'bundle:x' },
  ports: [
    { ...emptyTile('serial:/dev/ttyACM0', 'Port 1'), state: 'flashing', percent: 40 },
    { ...emptyTile('serial:/dev/"odd"\\port', 'Port 2'), state: 'fail' },
  ],
  portMode: 'all',
  counters: {
    passed: 7,
    failed: 2,
    devicesRun: 8,
    firstPassYield: 0.75,
    devicesPerHour: 42.5,
    since: null,
    paretoByReason: [{ key: 'FLASH_REVERTED', count: 2 }],
    paretoByPort: [{ key: 'serial:/dev/ttyACM0', count: 2 }],
  },
  canary: { count: 3, done: 3, evidence: null },
  operator: null,
  operators: [],
  hasSupervisor: true,
};

describe('the line as Prometheus metrics', () => {
  const text = renderLineMetrics(line);
  const sample = (series: string) => text.split('\n').find((row) => row.startsWith(`${series} `))?.slice(series.length + 1);

  it('exposes the counters with their types', () => {
    expect(text).toContain('# TYPE fieldline_line_devices_passed_total counter');
    expect(sample('fieldline_line_devices_passed_total')).toBe('7');
    expect(sample('fieldline_line_devices_failed_total')).toBe('2');
    expect(sample('fieldline_line_first_pass_yield')).toBe('0.75');
    expect(sample('fieldline_line_devices_per_hour')).toBe('42.5');
    expect(sample('fieldline_line_failures_by_reason_total{reason="FLASH_REVERTED"}')).toBe('2');
  });

  it('gives one 0/1 series per port and state, escaping label values', () => {
    expect(sample('fieldline_line_port_state{port="serial:/dev/ttyACM0",label="Port 1",state="flashing"}')).toBe('1');
    expect(sample('fieldline_line_port_state{port="serial:/dev/ttyACM0",label="Port 1",state="pass"}')).toBe('0');
    expect(sample('fieldline_line_port_state{port="serial:/dev/\\"odd\\"\\\\port",label="Port 2",state="fail"}')).toBe('1');
    expect(sample('fieldline_line_port_percent{port="serial:/dev/ttyACM0",label="Port 1"}')).toBe('40');
    expect(sample('fieldline_line_state{state="running"}')).toBe('1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes NaN for a yield before any run', () => {
    const empty = renderLineMetrics({ ...line, counters: { ...line.counters, firstPassYield: null } });
    expect(empty).toContain('fieldline_line_first_pass_yield NaN');
  });
});
