import type { Device, SyncStatus } from '../../shared/contract';
import { formatHlc } from '../../shared/ledger/hlc';
import type { LedgerRow } from '../features/records/ledger-page';

export function makeDevice(overrides: Partial<Device> = {}): Device {
  return {
    id: 'hw-0001',
    state: 'new',
    model: 'nRF52840-DK',
    serial: 'SN-0001',
    firmwareVersion: '1.4.2',
    sightings: [{ transport: 'serial', address: '/dev/ttyACM0', lastSeenAt: '2025-01-02T03:04:05.000Z' }],
    lastAction: 'device.discovered',
    updatedAt: '2025-01-02T03:04:05.000Z',
    ...overrides,
  };
}

export function makeLedgerRow(position: number, overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id: `0190-event-${position}`,
    stationId: 'station-a',
    stationSeq: position,
    hlc: formatHlc({ wallMs: Date.UTC(2025, 0, 2, 3, 4, position % 60), counter: 0 }),
    actor: 'operator:alice',
    deviceId: 'hw-0001',
    type: 'device.discovered',
    payload: {},
    prevHash: '0'.repeat(64),
    hash: position.toString(16).padStart(64, 'a'),
    position,
    ...overrides,
  };
}

export function makeSyncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'idle',
    pendingCount: 0,
    lastSuccessAt: null,
    lastError: null,
    serverUrl: null,
    ...overrides,
  };
}
