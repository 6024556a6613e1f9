import type { LineSnapshot, PortTile } from '../../../shared/contract';

export function makeTile(index: number, change: Partial<PortTile> = {}): PortTile {
  return {
    port: `serial:/dev/ttyACM${index}`,
    label: `Port ${index + 1}`,
    state: 'waiting',
    deviceId: null,
    serial: null,
    hardwareId: null,
    percent: null,
    reason: null,
    code: null,
    step: null,
    since: null,
    isCanary: false,
    ...change,
  };
}

export function makeLine(change: Partial<LineSnapshot> = {}): LineSnapshot {
  return {
    state: 'running',
    work: { kind: 'bundle', path: '/srv/fw/sensor-1.4.0.fwb', label: 'sensor-fw 1.4.0 (sensor-1.4.0.fwb)', version: '1.4.0', key: 'bundle:ab' },
    ports: [],
    portMode: 'all',
    counters: { passed: 0, failed: 0, devicesRun: 0, firstPassYield: null, devicesPerHour: 0, since: null, paretoByReason: [], paretoByPort: [] },
    canary: { count: 3, done: 3, evidence: null },
    operator: { id: 'op-olga', name: 'Olga', role: 'operator' },
    operators: [
      { id: 'op-sam', name: 'Sam', role: 'supervisor' },
      { id: 'op-olga', name: 'Olga', role: 'operator' },
    ],
    hasSupervisor: true,
    ...change,
  };
}
