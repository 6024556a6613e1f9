// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from '../test/fake-bridge';
import { makeDevice, makeLedgerRow, makeSyncStatus } from '../test/fixtures';
import { renderView } from '../test/render-view';
import { App } from './App';

function stationBridge(): FakeBridge {
  return new FakeBridge({
    'app:info': () => ({
      name: 'Fieldline',
      version: '0.1.0',
      stationId: 'st-7f3a',
      dataDir: '/data',
      host: 'station',
      platform: 'linux',
    }),
    'sync:status': () => makeSyncStatus({ state: 'not-configured', pendingCount: 2 }),
    'devices:list': () => ({ devices: [makeDevice({ id: 'hw-0001', serial: 'SN-0001' })] }),
    'devices:get': () => ({ device: makeDevice({ id: 'hw-0001', serial: 'SN-0001' }) }),
    'ledger:list-events': () => ({ events: [], nextBefore: null }),
    'ledger:device-history': () => ({ events: [makeLedgerRow(1, { deviceId: 'hw-0001' })] }),
  });
}

describe('App shell', () => {
  afterEach(() => {
    window.location.hash = '';
  });

  it('has labelled navigation to the six views, the station id and the sync state', async () => {
    renderView(<App />, stationBridge());
    const navigation = screen.getByRole('navigation', { name: 'Main' });
    const links = within(navigation)
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(links).toEqual(['Devices', 'Jobs', 'Firmware', 'Records', 'Station', 'Settings']);
    expect(await screen.findByText('st-7f3a')).toBeTruthy();
    expect(await screen.findByText('Not connected to a fleet server · 2 records waiting')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Devices' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Switch to (dark|light) theme/ })).toBeTruthy();
  });

  it('opens the view named in the hash', async () => {
    window.location.hash = '#/records';
    renderView(<App />, stationBridge());
    expect(await screen.findByText('No records yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Records' }).getAttribute('aria-current')).toBe('page');

    act(() => {
      window.location.hash = '#/settings';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(await screen.findByText('/data')).toBeTruthy();
  });

  it('opens a device from its row, keeps Devices current in the navigation, and goes back', async () => {
    renderView(<App />, stationBridge());
    const row = (await screen.findByText('SN-0001')).closest('tr') as HTMLElement;
    act(() => {
      row.click();
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(window.location.hash).toBe('#/devices/hw-0001');
    expect(await screen.findByRole('heading', { level: 1, name: 'Device SN-0001' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Devices' }).getAttribute('aria-current')).toBe('page');
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));

    act(() => {
      screen.getByRole('link', { name: '← Back to devices' }).click();
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Devices' })).toBeTruthy();
  });
});
