// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { DevicesView } from './DevicesView';

const rowIds = (): (string | null)[] =>
  screen
    .queryAllByRole('row')
    .slice(1)
    .map((row) => row.getAttribute('data-device-id'));

function fleetOfThree(): FakeBridge {
  return new FakeBridge({
    'devices:list': () => ({
      devices: [
        makeDevice({ id: 'a', serial: 'SN-A', state: 'new' }),
        makeDevice({
          id: 'b',
          serial: 'SN-B',
          state: 'failed',
          sightings: [
            { transport: 'network', address: '10.0.0.7:1337', lastSeenAt: '2025-01-02T03:04:05.000Z' },
          ],
        }),
        makeDevice({ id: 'c', serial: 'SN-C', state: 'failed', sightings: [] }),
      ],
    }),
  });
}

describe('DevicesView', () => {
  afterEach(() => {
    window.location.hash = '';
  });

  it('shows the empty state, then a device announced by devices:changed', async () => {
    const bridge = new FakeBridge({ 'devices:list': () => ({ devices: [] }) });
    renderView(<DevicesView />, bridge);

    expect(await screen.findByText('No devices yet')).toBeTruthy();
    expect(screen.getByText('Plug in a device or start the device lab (npm run lab).')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Devices' })).toBeTruthy();

    act(() =>
      bridge.emit('devices:changed', { upserted: [makeDevice({ serial: 'SN-4242' })], removedIds: [] }),
    );

    const table = await screen.findByRole('table');
    expect(within(table).getByRole('columnheader', { name: 'Serial / ID' })).toBeTruthy();
    const row = within(table).getByText('SN-4242').closest('tr');
    expect(row?.getAttribute('data-new')).toBe('true');
    expect(within(row as HTMLElement).getByText('/dev/ttyACM0')).toBeTruthy();
    expect(screen.queryByText('No devices yet')).toBeNull();
  });

  it('puts new devices on top and drops removed ones', async () => {
    const bridge = new FakeBridge({
      'devices:list': () => ({
        devices: [makeDevice({ id: 'a', serial: 'SN-A' }), makeDevice({ id: 'b', serial: 'SN-B' })],
      }),
    });
    renderView(<DevicesView />, bridge);
    await screen.findByText('SN-A');

    act(() =>
      bridge.emit('devices:changed', {
        upserted: [makeDevice({ id: 'c', serial: 'SN-C' })],
        removedIds: ['a'],
      }),
    );

    const serials = screen
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.getAttribute('data-device-id'));
    expect(serials).toEqual(['c', 'b']);
    expect(screen.getByText('2 devices')).toBeTruthy();
  });

  it('shows the error table entry when devices:list fails', async () => {
    const bridge = new FakeBridge();
    renderView(<DevicesView />, bridge);
    expect(await screen.findByText('Not available yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('filters by lifecycle state and by transport, on top of the search, and clears them', async () => {
    renderView(<DevicesView />, fleetOfThree());
    await screen.findByText('SN-A');

    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'failed' } });
    expect(rowIds()).toEqual(['b', 'c']);
    expect(screen.getByText('2 of 3 devices')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Seen on'), { target: { value: 'network' } });
    expect(rowIds()).toEqual(['b']);

    fireEvent.change(screen.getByLabelText('Seen on'), { target: { value: 'not-connected' } });
    expect(rowIds()).toEqual(['c']);

    fireEvent.change(screen.getByLabelText('Search devices'), { target: { value: 'SN-B' } });
    expect(await screen.findByText('No devices match these filters')).toBeTruthy();

    act(() => screen.getByRole('button', { name: 'Clear filters' }).click());
    expect(rowIds()).toEqual(['a', 'b', 'c']);
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
