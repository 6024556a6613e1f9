// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { DevicesView } from './DevicesView';

describe('DevicesView', () => {
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
});
