import { LINE_STATES, PORT_STATES, type LineSnapshot } from '../../../shared/contract/line';

/**
 * The line as Prometheus text exposition (format 0.0.4), written by hand: a few counters and gauges
 * do not need a client library. Counters restart from zero when a supervisor resets the line's
 * counters, which Prometheus' `rate()` treats like a process restart.
 */
export function renderLineMetrics(line: LineSnapshot): string {
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string>, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  };
  const { counters } = line;
  metric('fieldline_line_devices_passed_total', 'counter', 'Runs that passed since the last counter reset.', [[{}, counters.passed]]);
  metric('fieldline_line_devices_failed_total', 'counter', 'Runs that failed since the last counter reset.', [[{}, counters.failed]]);
  metric('fieldline_line_devices_run', 'gauge', 'Distinct devices run since the last counter reset.', [[{}, counters.devicesRun]]);
  metric('fieldline_line_devices_per_hour', 'gauge', 'Passes in the last hour (extrapolated during the first hour).', [[{}, counters.devicesPerHour]]);
  metric('fieldline_line_first_pass_yield', 'gauge', 'Devices that passed on their first run / devices run (NaN before any run).', [
    [{}, counters.firstPassYield ?? Number.NaN],
  ]);
  metric(
    'fieldline_line_failures_by_reason_total',
    'counter',
    'Failed runs by error code.',
    counters.paretoByReason.map((bar) => [{ reason: bar.key }, bar.count]),
  );
  metric(
    'fieldline_line_failures_by_port_total',
    'counter',
    'Failed runs by port.',
    counters.paretoByPort.map((bar) => [{ port: bar.key }, bar.count]),
  );
  metric('fieldline_line_canary_done', 'gauge', 'Canary runs ended for the locked work.', [[{}, line.canary.done]]);
  metric('fieldline_line_state', 'gauge', '1 for the state the line is in, 0 for the others.', LINE_STATES.map((state) => [{ state }, state === line.state ? 1 : 0]));
  metric(
    'fieldline_line_port_state',
    'gauge',
    '1 for the state each port is in, 0 for the others.',
    line.ports.flatMap((tile) => PORT_STATES.map((state): [Record<string, string>, number] => [{ port: tile.port, label: tile.label, state }, state === tile.state ? 1 : 0])),
  );
  metric(
    'fieldline_line_port_percent',
    'gauge',
    'Progress of the run on each port, 0-100, while its phase reports it.',
    line.ports.filter((tile) => tile.percent !== null).map((tile) => [{ port: tile.port, label: tile.label }, tile.percent!]),
  );
  return `${out.join('\n')}\n`;
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

/** Label values escape backslash, double quote and newline (the exposition format's rule). */
function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}
