// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device, DeviceQuery } from '../../../shared/contract';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { DevicesView } from './DevicesView';

const rowIds = (): (string | null)[] =>
  screen
    .queryAllByRole('row')
    .slice(1)
    .map((row) => row.getAttribute('data-device-id'));

/** `devices:list` as the core answers a query: filtered, paged, with totals (the core's index is tested in main/). */
function pagedList(devices: () => Device[]) {
  return (query: DeviceQuery = {}) => {
    const needle = query.search?.toLowerCase() ?? '';
    const matching = devices().filter(
      (device) =>
        (query.state === undefined || device.state === query.state) &&
        (query.model === undefined || device.model === query.model) &&
        (query.seenOn === undefined ||
          (query.seenOn === 'not-connected'
            ? device.sightings.length === 0
            : device.sightings.some((sighting) => sighting.transport === query.seenOn))) &&
        `${device.serial ?? ''} ${device.id}`.toLowerCase().includes(needle),
    );
    const offset = query.offset ?? 0;
    return {
      devices: matching.slice(offset, offset + (query.limit ?? matching.length)),
      total: matching.length,
      unfilteredTotal: devices().length,
      models: [...new Set(devices().flatMap((device) => device.model ?? []))].sort(),
    };
  };
}

function fleetOfThree(): FakeBridge {
  const devices = [
        makeDevice({ id: 'a', serial: 'SN-A', state: 'new' }),
        makeDevice({
          id: 'b',
          serial: 'SN-B',
          state: 'failed',
          sightings: [
            { transport: 'network', address: '10.0.0.7:1337', lastSeenAt: '2025-01-02T03:04:05.000Z' },
          ],
        }),
        makeDevice({ id: 'c', serial: 'SN-C', state: 'failed', sightings: [], model: 'Gateway' }),
  ];
  return new FakeBridge({ 'devices:list': pagedList(() => devices) });
}

describe('DevicesView', () => {
  afterEach(() => {
    window.location.hash = '';
  });

  it('shows the empty state, then a device announced by devices:changed, highlighted', async () => {
    let devices: Device[] = [];
    const bridge = new FakeBridge({ 'devices:list': pagedList(() => devices) });
    renderView(<DevicesView />, bridge);

    expect(await screen.findByText('No devices yet')).toBeTruthy();
    expect(screen.getByText('Plug in a device or start the device lab (npm run lab).')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Devices' })).toBeTruthy();

    const arrival = makeDevice({ serial: 'SN-4242' });
    devices = [arrival];
    act(() => bridge.emit('devices:changed', { upserted: [arrival], removedIds: [] }));

    const table = await screen.findByRole('table');
    expect(within(table).getByRole('columnheader', { name: 'Serial / ID' })).toBeTruthy();
    const row = within(table).getByText('SN-4242').closest('tr');
    expect(within(row as HTMLElement).getByText('/dev/ttyACM0')).toBeTruthy();
    expect(screen.queryByText('No devices yet')).toBeNull();
    await waitFor(() => expect(row?.getAttribute('data-new')).toBe('true'));
  });

  it('refreshes the rows in view once per burst of changes: new devices on top, removed ones gone', async () => {
    let devices = [makeDevice({ id: 'a', serial: 'SN-A' }), makeDevice({ id: 'b', serial: 'SN-B' })];
    const bridge = new FakeBridge({ 'devices:list': pagedList(() => devices) });
    renderView(<DevicesView />, bridge);
    await screen.findByText('SN-A');
    const callsBefore = bridge.calls.length;

    devices = [makeDevice({ id: 'c', serial: 'SN-C' }), makeDevice({ id: 'b', serial: 'SN-B' })];
    act(() => {
      bridge.emit('devices:changed', { upserted: [makeDevice({ id: 'c', serial: 'SN-C' })], removedIds: [] });
      bridge.emit('devices:changed', { upserted: [], removedIds: ['a'] });
    });

    await waitFor(() => expect(rowIds()).toEqual(['c', 'b']));
    expect(screen.getByText('2 devices')).toBeTruthy();
    expect(bridge.calls.length - callsBefore).toBe(1);
  });

  it('shows the error table entry when devices:list fails', async () => {
    const bridge = new FakeBridge();
    renderView(<DevicesView />, bridge);
    expect(await screen.findByText('Not available yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('asks the core to filter by state, model and transport, on top of the search, and clears them', async () => {
    const bridge = fleetOfThree();
    renderView(<DevicesView />, bridge);
    await screen.findByText('SN-A');

    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'failed' } });
    await waitFor(() => expect(rowIds()).toEqual(['b', 'c']));
    expect(screen.getByText('2 of 3 devices')).toBeTruthy();
    expect(bridge.calls.at(-1)?.input).toEqual({ state: 'failed', offset: 0, limit: 50 });

    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'Gateway' } });
    await waitFor(() => expect(rowIds()).toEqual(['c']));
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'any' } });

    fireEvent.change(screen.getByLabelText('Seen on'), { target: { value: 'network' } });
    await waitFor(() => expect(rowIds()).toEqual(['b']));

    fireEvent.change(screen.getByLabelText('Seen on'), { target: { value: 'not-connected' } });
    await waitFor(() => expect(rowIds()).toEqual(['c']));

    fireEvent.change(screen.getByLabelText('Search devices'), { target: { value: 'SN-B' } });
    expect(await screen.findByText('No devices match these filters')).toBeTruthy();

    act(() => screen.getByRole('button', { name: 'Clear filters' }).click());
    await waitFor(() => expect(rowIds()).toEqual(['a', 'b', 'c']));
    expect(screen.getByLabelText<HTMLSelectElement>('State').value).toBe('any');
  });

  it('focuses the search with /', async () => {
    renderView(<DevicesView />, fleetOfThree());
    await screen.findByText('SN-A');
    fireEvent.keyDown(document.documentElement, { key: '/' });
    expect(document.activeElement).toBe(screen.getByLabelText('Search devices'));
  });

  it('opens a device on a click on its row, and on Enter on the focused row', async () => {
    renderView(<DevicesView />, fleetOfThree());
    const rowB = (await screen.findByText('SN-B')).closest('tr') as HTMLElement;

    act(() => within(rowB).getByText('10.0.0.7:1337').click());
    expect(window.location.hash).toBe('#/devices/b');

    const rowA = screen.getByText('SN-A').closest('tr') as HTMLElement;
    rowA.focus();
    fireEvent.keyDown(rowA, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rowB);
    fireEvent.keyDown(rowB, { key: 'ArrowDown' });
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Enter' });
    expect(window.location.hash).toBe('#/devices/c');
    // The serial is also a link, for screen readers and a middle click.
    expect(within(rowA).getByRole('link', { name: 'SN-A' }).getAttribute('href')).toBe('#/devices/a');
  });
});
