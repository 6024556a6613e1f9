// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../../shared/contract';
import { AppError, ERROR_TABLE } from '../../../../shared/errors';
import { FakeBridge } from '../../../test/fake-bridge';
import { makeDevice, makeLedgerRow } from '../../../test/fixtures';
import { renderView } from '../../../test/render-view';
import { DeviceDetailView } from './DeviceDetailView';

const device = makeDevice({
  id: 'hw-0001',
  serial: 'SN-4242',
  model: 'nRF52840-DK',
  state: 'provisioned',
  firmwareVersion: '1.5.0',
  sightings: [
    { transport: 'serial', address: '/dev/ttyACM0', lastSeenAt: '2025-01-02T03:04:05.000Z' },
    { transport: 'network', address: '192.168.7.20:1337', lastSeenAt: '2025-01-02T03:04:06.000Z' },
  ],
});

function detailBridge(history: () => LedgerEvent[]): FakeBridge {
  return new FakeBridge({
    'devices:get': (input) => ({ device: input?.deviceId === device.id ? device : null }),
    'ledger:device-history': () => ({ events: history() }),
    'identity:certificate': ({ deviceId } = { deviceId: '' }) => ({ deviceId, certificate: null, history: [] }),
    'app:info': () => ({
      name: 'Fieldline',
      version: '0.1.0',
      stationId: 'station-a',
      dataDir: '/data',
      host: 'station',
      platform: 'linux',
    }),
  });
}

const discovered = makeLedgerRow(1, {
  type: 'device.discovered',
  actor: 'discovery',
  payload: { model: 'nRF52840-DK', serial: 'SN-4242' },
});
const flashed = makeLedgerRow(2, {
  type: 'firmware.flashed',
  actor: 'operator:alice',
  stationId: 'station-b-7f3a9c',
  payload: { version: '1.5.0', imageHash: 'c0ffee'.repeat(4), slots: [0, 1] },
});

describe('DeviceDetailView', () => {
  it('shows identity, every sighting and the history newest first with its evidence', async () => {
    const bridge = detailBridge(() => [discovered, flashed]);
    renderView(<DeviceDetailView deviceId="hw-0001" />, bridge);

    expect(await screen.findByRole('heading', { level: 1, name: 'Device SN-4242' })).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Back to devices' }).getAttribute('href')).toBe('#/devices');
    expect(bridge.callsOf('ledger:device-history')[0]?.input).toEqual({ deviceId: 'hw-0001' });

    const overview = screen.getByRole('region', { name: 'Overview' });
    expect(within(overview).getByText('hw-0001')).toBeTruthy();
    expect(within(overview).getByText('SN-4242')).toBeTruthy();
    expect(within(overview).getByText('1.5.0')).toBeTruthy();
    expect(within(overview).getByRole('button', { name: 'Copy device id' })).toBeTruthy();

    const seenOn = screen.getByRole('region', { name: 'Seen on' });
    const sightingRows = within(seenOn).getAllByRole('row').slice(1);
    expect(sightingRows.map((row) => row.getAttribute('data-transport'))).toEqual(['serial', 'network']);
    expect(within(seenOn).getByText('/dev/ttyACM0')).toBeTruthy();
    expect(within(seenOn).getByText('192.168.7.20:1337')).toBeTruthy();

    const historySection = screen.getByRole('region', { name: 'History' });
    const rows = (await within(historySection).findAllByRole('row')).slice(1);
    expect(rows.map((row) => row.getAttribute('data-event-id'))).toEqual([flashed.id, discovered.id]);
    const [flashRow, discoveryRow] = rows as [HTMLElement, HTMLElement];
    expect(within(flashRow).getByText('firmware.flashed')).toBeTruthy();
    expect(within(flashRow).getByText('operator:alice')).toBeTruthy();
    // Another station's id is shortened (full id in the title); this station's reads as words.
    expect(within(flashRow).getByText('station-').getAttribute('title')).toBe('station-b-7f3a9c');
    expect(within(discoveryRow).getByText('This station')).toBeTruthy();
    expect(within(flashRow).getByText(flashed.hash.slice(0, 12))).toBeTruthy();
    expect(within(flashRow).getByRole('button', { name: 'Copy hash' })).toBeTruthy();
    // The payload as evidence: key and value, nested values as compact JSON.
    expect(within(flashRow).getByText('imageHash')).toBeTruthy();
    expect(within(flashRow).getByText('c0ffee'.repeat(4))).toBeTruthy();
    expect(within(flashRow).getByText('[0,1]')).toBeTruthy();
    expect(within(historySection).getByText('2 records')).toBeTruthy();

    expect(
      await within(screen.getByRole('region', { name: 'Certificate' })).findByText('No certificate enrolled here'),
    ).toBeTruthy();
    expect(
      within(screen.getByRole('region', { name: 'Configuration' })).getByText('No recipe applied here yet'),
    ).toBeTruthy();
  });

  it('fetches the history again when the ledger grows, and follows devices:changed', async () => {
    let history = [discovered];
    const bridge = detailBridge(() => history);
    renderView(<DeviceDetailView deviceId="hw-0001" />, bridge);
    const historySection = await screen.findByRole('region', { name: 'History' });
    await within(historySection).findByText('device.discovered');

    history = [discovered, flashed];
    act(() => bridge.emit('ledger:changed', { eventCount: 2 }));
    expect(await within(historySection).findByText('firmware.flashed')).toBeTruthy();

    act(() =>
      bridge.emit('devices:changed', {
        upserted: [{ ...device, state: 'enrolled', updatedAt: '2025-01-03T00:00:00.000Z' }],
        removedIds: [],
      }),
    );
    expect(screen.getByRole('heading', { level: 1 }).parentElement?.textContent).toContain('Enrolled');
  });

  it('says so when the device has no records yet', async () => {
    const bridge = detailBridge(() => []);
    renderView(<DeviceDetailView deviceId="hw-0001" />, bridge);
    expect(await screen.findByText('No records about this device yet')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: 'No records about this device yet' })).toBeTruthy();
  });

  it('says the device is not found when the station neither sees nor recorded it', async () => {
    const bridge = detailBridge(() => []);
    renderView(<DeviceDetailView deviceId="no-such-device" />, bridge);
    expect(await screen.findByText('Device not found')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Device no-such-device' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Show all devices' })).toBeTruthy();
  });

  it('shows a failed history through the error table, with a retry', async () => {
    const bridge = detailBridge(() => {
      throw new AppError('LEDGER_LOCKED', 'database is locked');
    });
    renderView(<DeviceDetailView deviceId="hw-0001" />, bridge);
    const historySection = await screen.findByRole('region', { name: 'History' });
    expect(await within(historySection).findByText(ERROR_TABLE.LEDGER_LOCKED.title)).toBeTruthy();
    expect(within(historySection).getByRole('button', { name: 'Try again' })).toBeTruthy();
    // The rest of the page still works.
    expect(screen.getByText('/dev/ttyACM0')).toBeTruthy();
  });
});
