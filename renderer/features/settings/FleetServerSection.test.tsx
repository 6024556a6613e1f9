// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import { AppError, ERROR_TABLE } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { makeSyncStatus } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { FleetServerSection } from './FleetServerSection';

const CA_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBfTCCASOgAwIBAgIUQ2FGbGVldENBdGVzdGZpeHR1cmUwCgYIKoZIzj0EAwIw',
  'FDESMBAGA1UEAwwJRmxlZXQgQ0EwHhcNMjUwMTAxMDAwMDAwWhcNMzUwMTAxMDAw',
  '-----END CERTIFICATE-----',
].join('\n');
const TOKEN = 'bt_7Hq2xN4vL9pR3sK8';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

const region = () => screen.getByRole('region', { name: 'Fleet server' });
const input = (label: string) => within(region()).getByLabelText<HTMLInputElement>(label);

function fillForm({ serverUrl = 'https://fleet.example.test:8443', token = TOKEN, caPem = CA_PEM } = {}) {
  fireEvent.change(input('Server URL'), { target: { value: serverUrl } });
  fireEvent.change(input('Bootstrap token'), { target: { value: token } });
  fireEvent.change(input('Fleet CA certificate'), { target: { value: caPem } });
}

/** The value beside a label in the status list (a dt/dd pair). */
const fact = (label: string) => within(region()).getByText(label).nextElementSibling?.textContent;

const submit = () => act(() => within(region()).getByRole('button', { name: 'Enroll station' }).click());

describe('Settings → Fleet server', () => {
  it('offers enrollment when not connected, and checks the fields before sending anything', async () => {
    const bridge = new FakeBridge({
      'sync:status': () => makeSyncStatus({ state: 'not-configured', pendingCount: 3 }),
    });
    renderView(<FleetServerSection />, bridge);

    expect(await within(region()).findByText('Not connected to a fleet server')).toBeTruthy();
    expect(within(region()).getByText(/3 records are kept on this station/)).toBeTruthy();
    expect(input('Bootstrap token').type).toBe('password');

    submit();
    expect(within(region()).getByText(/Enter the fleet server’s address/)).toBeTruthy();
    expect(within(region()).getByText('Enter the bootstrap token from the fleet administrator')).toBeTruthy();
    expect(within(region()).getByText(/Paste the fleet CA certificate/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(input('Server URL')));

    fillForm({ serverUrl: 'http://fleet.example.test', token: 'short', caPem: 'hello' });
    expect(within(region()).getByText(/start the address with https:\/\//)).toBeTruthy();
    expect(within(region()).getByText(/shorter than a bootstrap token/)).toBeTruthy();
    expect(within(region()).getByText(/does not look like a PEM certificate/)).toBeTruthy();
    submit();
    expect(bridge.callsOf('sync:enroll-station')).toEqual([]);
  });

  it('enrolls with the trimmed values, says it is working, then shows the enrolled state', async () => {
    const answer = deferred<SyncStatus>();
    const bridge = new FakeBridge({
      'sync:status': () => makeSyncStatus({ state: 'not-configured', pendingCount: 1 }),
      'sync:enroll-station': () => answer.promise,
    });
    renderView(<FleetServerSection />, bridge);
    await within(region()).findByText('Not connected to a fleet server');

    fillForm({ serverUrl: ' https://fleet.example.test:8443 ', token: ` ${TOKEN} ` });
    submit();

    expect(bridge.callsOf('sync:enroll-station')[0]?.input).toEqual({
      serverUrl: 'https://fleet.example.test:8443',
      token: TOKEN,
      caPem: `${CA_PEM}\n`,
    });
    const working = within(region()).getByRole<HTMLButtonElement>('button', { name: 'Enrolling station…' });
    expect(working.disabled).toBe(true);
    expect(within(region()).getByText(/Contacting https:\/\/fleet.example.test:8443/)).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(TOKEN);

    answer.resolve(
      makeSyncStatus({
        state: 'idle',
        pendingCount: 0,
        serverUrl: 'https://fleet.example.test:8443',
        lastSuccessAt: '2025-01-02T03:04:05.000Z',
      }),
    );
    await act(() => answer.promise);
    expect(within(region()).getByText('Station enrolled')).toBeTruthy();
    expect(within(region()).getByText('https://fleet.example.test:8443')).toBeTruthy();
    expect(within(region()).getByText('Connected')).toBeTruthy();
    expect(within(region()).getByRole('button', { name: 'Sync now' })).toBeTruthy();
    expect(within(region()).queryByLabelText('Bootstrap token')).toBeNull();
  });

  it('shows a refusal through the error table, keeps the other fields and never keeps the token', async () => {
    const bridge = new FakeBridge({
      'sync:status': () => makeSyncStatus({ state: 'not-configured' }),
      'sync:enroll-station': () => {
        throw new AppError('BOOTSTRAP_TOKEN_INVALID', 'the token was already used');
      },
    });
    renderView(<FleetServerSection />, bridge);
    await within(region()).findByText('Not connected to a fleet server');

    fillForm();
    submit();

    expect(await within(region()).findByText(ERROR_TABLE.BOOTSTRAP_TOKEN_INVALID.title)).toBeTruthy();
    expect(within(region()).getByText(ERROR_TABLE.BOOTSTRAP_TOKEN_INVALID.action)).toBeTruthy();
    expect(input('Server URL').value).toBe('https://fleet.example.test:8443');
    expect(input('Fleet CA certificate').value).toBe(CA_PEM);
    expect(input('Bootstrap token').value).toBe('');
    expect(document.body.innerHTML).not.toContain(TOKEN);
    await waitFor(() => expect(document.activeElement).toBe(input('Bootstrap token')));
    expect(within(region()).getByRole('button', { name: 'Enroll station' })).toBeTruthy();
  });

  it('focuses the address when the server cannot be reached', async () => {
    const bridge = new FakeBridge({
      'sync:status': () => makeSyncStatus({ state: 'not-configured' }),
      'sync:enroll-station': () => {
        throw new AppError('FLEET_UNREACHABLE', 'cannot reach fleet.example.test:8443: ECONNREFUSED');
      },
    });
    renderView(<FleetServerSection />, bridge);
    await within(region()).findByText('Not connected to a fleet server');
    fillForm();
    submit();
    expect(await within(region()).findByText(ERROR_TABLE.FLEET_UNREACHABLE.title)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(input('Server URL')));
  });

  it('reads the CA certificate from a chosen file', async () => {
    const bridge = new FakeBridge({ 'sync:status': () => makeSyncStatus({ state: 'not-configured' }) });
    renderView(<FleetServerSection />, bridge);
    await within(region()).findByText('Not connected to a fleet server');

    const picker = region().querySelector('input[type="file"]') as HTMLInputElement;
    expect(picker.accept).toContain('.pem');
    const file = new File([`${CA_PEM}\n`], 'fleet-ca.pem', { type: 'application/x-pem-file' });
    fireEvent.change(picker, { target: { files: [file] } });

    expect(await within(region()).findByText('Read from fleet-ca.pem')).toBeTruthy();
    expect(input('Fleet CA certificate').value).toBe(`${CA_PEM}\n`);
  });

  it('shows the sync status calmly when offline, and Sync now says what it is doing', async () => {
    const answer = deferred<SyncStatus>();
    const bridge = new FakeBridge({
      'sync:status': () =>
        makeSyncStatus({
          state: 'offline',
          pendingCount: 3,
          serverUrl: 'https://fleet.example.test:8443',
          lastError: 'Fleet server not reachable: connect ECONNREFUSED',
        }),
      'sync:now': () => answer.promise,
    });
    renderView(<FleetServerSection />, bridge);

    expect(await within(region()).findByText(/^Offline — records wait on this station/)).toBeTruthy();
    expect(fact('Waiting to sync')).toBe('3 records');
    expect(fact('Last successful sync')).toBe('Not yet');
    expect(fact('Last error')).toBe('Fleet server not reachable: connect ECONNREFUSED');
    expect(within(region()).queryByRole('alert')).toBeNull();

    act(() => within(region()).getByRole('button', { name: 'Sync now' }).click());
    const busy = within(region()).getByRole<HTMLButtonElement>('button', { name: 'Syncing…' });
    expect(busy.disabled).toBe(true);
    expect(within(region()).getByText('Sending waiting records to the fleet server…')).toBeTruthy();
    expect(bridge.callsOf('sync:now')).toHaveLength(1);

    answer.resolve(
      makeSyncStatus({
        state: 'idle',
        pendingCount: 0,
        serverUrl: 'https://fleet.example.test:8443',
        lastSuccessAt: '2025-01-02T03:04:05.000Z',
      }),
    );
    await act(() => answer.promise);
    expect(within(region()).getByText('Nothing waiting: every record is on the fleet server.')).toBeTruthy();
    expect(fact('State')).toBe('Connected');
    expect(fact('Waiting to sync')).toBe('None');
    expect(fact('Last error')).toBe('None');
  });

  it('follows sync:status-changed', async () => {
    const bridge = new FakeBridge({
      'sync:status': () => makeSyncStatus({ state: 'idle', serverUrl: 'https://fleet.example.test' }),
    });
    renderView(<FleetServerSection />, bridge);
    await within(region()).findByText('Connected');
    act(() =>
      bridge.emit(
        'sync:status-changed',
        makeSyncStatus({ state: 'syncing', pendingCount: 12, serverUrl: 'https://fleet.example.test' }),
      ),
    );
    expect(fact('State')).toBe('Sending records…');
    expect(fact('Waiting to sync')).toBe('12 records');
  });
});
