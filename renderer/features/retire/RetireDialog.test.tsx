// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent, OperationSummary } from '../../../shared/contract';
import { ERROR_TABLE } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice, makeLedgerRow } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { RetireDialog } from './RetireDialog';
import type { SanitizationCertificate } from './retirement-records';

const device = makeDevice({ id: 'hw-0001', serial: 'SN-0001', model: 'fieldline-lab-nrf52840' });

const certificate: SanitizationCertificate = {
  format: 'fieldline-sanitization-certificate-v1',
  body: {
    device: { id: 'hw-0001', hardwareId: 'a1b2', serial: 'SN-0001', model: 'fieldline-lab-nrf52840' },
    method: { standard: 'NIST SP 800-88 Rev. 1', level: 'clear', technique: 'logical sanitization through the device interface' },
    actions: [
      {
        name: 'zeroize',
        command: 'identity (64) zeroize (3)',
        targets: ['device key', 'certificate chain'],
        result: 'done',
        verification: { checked: 'device key and installed certificate', how: 'identity read answers key: false; certificate read answers NO_CERTIFICATE', result: 'clean' },
      },
    ],
    remaining: [],
    revocations: [{ certificateSerial: '0badc0de', fingerprintSha256: 'f0'.repeat(32), reason: 'cessationOfOperation' }],
    operator: 'Ada Tech',
    station: { id: 'station-a' },
    operationId: 'op-r1',
    completedAt: '2026-11-27T10:02:00.000Z',
    followsEventId: 'ev-9',
  },
  signature: { algorithm: 'Ed25519', keyId: '5e'.repeat(32), publicKey: 'MCowBQYDK2VwAyEA', value: 'c2lnbmF0dXJl' },
};

function operation(overrides: Partial<OperationSummary> = {}): OperationSummary {
  return {
    id: 'op-r1',
    kind: 'retire',
    deviceId: 'hw-0001',
    title: 'NIST SP 800-88 Clear',
    state: 'running',
    steps: [
      { name: 'zeroize', label: 'Zeroize keys and credentials', state: 'running', detail: null, progress: null },
      { name: 'verify-wipe', label: 'Verify by reading back', state: 'pending', detail: null, progress: null },
      { name: 'certify', label: 'Sign the certificate of sanitization', state: 'pending', detail: null, progress: null },
    ],
    jobId: null,
    startedAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:01.000Z',
    error: null,
    ...overrides,
  };
}

function retireBridge(history: () => LedgerEvent[]): FakeBridge {
  return new FakeBridge({
    'devices:retire': () => ({ operation: operation() }),
    'ledger:device-history': () => ({ events: history() }),
  });
}

function fillForm(): void {
  fireEvent.change(screen.getByLabelText(/Operator/), { target: { value: 'Ada Tech' } });
  fireEvent.change(screen.getByLabelText('Type SN-0001 to confirm'), { target: { value: 'SN-0001' } });
}

describe('RetireDialog', () => {
  it('explains the wipe and retires only after the serial is typed, with the method and operator chosen', async () => {
    const bridge = retireBridge(() => []);
    renderView(<RetireDialog opened onClose={() => undefined} deviceId="hw-0001" device={device} />, bridge);

    expect(await screen.findByText(/its private key and certificate are destroyed/)).toBeTruthy();
    expect(screen.getByText(/A cryptographic erase/)).toBeTruthy();
    const retire = screen.getByRole<HTMLButtonElement>('button', { name: 'Wipe and retire SN-0001' });
    fireEvent.change(screen.getByLabelText(/Operator/), { target: { value: 'Ada Tech' } });
    fireEvent.change(screen.getByLabelText('Type SN-0001 to confirm'), { target: { value: 'SN-0002' } });
    expect(retire.disabled).toBe(true);
    expect(screen.getByText('This is not SN-0001.')).toBeTruthy();

    fireEvent.click(screen.getByRole('radio', { name: /Purge/ }));
    fireEvent.change(screen.getByLabelText('Type SN-0001 to confirm'), { target: { value: 'SN-0001' } });
    expect(retire.disabled).toBe(false);
    fireEvent.click(retire);

    await screen.findByRole('list', { name: 'Steps' });
    expect(bridge.callsOf('devices:retire')[0]?.input).toEqual({ deviceId: 'hw-0001', method: 'purge', operator: 'Ada Tech' });
  });

  it('after a verified wipe shows the evidence and the signed certificate of sanitization to download', async () => {
    let history: LedgerEvent[] = [];
    const bridge = retireBridge(() => history);
    renderView(<RetireDialog opened onClose={() => undefined} deviceId="hw-0001" device={device} />, bridge);
    fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Wipe and retire SN-0001' }));
    await screen.findByText('Zeroize keys and credentials');

    history = [
      makeLedgerRow(5, { type: 'operation.started', payload: { operationId: 'op-r1' } }),
      makeLedgerRow(6, { type: 'device.retired', payload: { operationId: 'op-r1', method: 'clear', certificate } }),
    ];
    act(() =>
      bridge.emit('operations:changed', {
        operation: operation({
          state: 'succeeded',
          updatedAt: '2026-11-27T10:02:01.000Z',
          steps: operation().steps.map((step) => ({ ...step, state: 'done' as const })),
        }),
      }),
    );

    expect(await screen.findByText('Retired: the wipe of SN-0001 was verified')).toBeTruthy();
    const section = screen.getByRole('region', { name: 'Certificate of sanitization' });
    expect(within(section).getByText('NIST SP 800-88 Rev. 1 Clear')).toBeTruthy();
    expect(within(section).getByText('Ada Tech')).toBeTruthy();
    expect(within(section).getByTestId('station-key-fingerprint').textContent).toBe('5e'.repeat(32));
    const evidence = within(section).getByRole('table', { name: 'Wipe evidence' });
    expect(within(evidence).getByText('device key and installed certificate: clean')).toBeTruthy();
    expect(within(evidence).getByText(/identity read answers key: false/)).toBeTruthy();
    expect(within(section).getByText(/serial 0badc0de/)).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Download certificate' })).toBeTruthy();
  });

  it('after a wipe that could not be verified names what remained and that the device is not retired', async () => {
    let history: LedgerEvent[] = [];
    const bridge = retireBridge(() => history);
    renderView(<RetireDialog opened onClose={() => undefined} deviceId="hw-0001" device={device} />, bridge);
    fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Wipe and retire SN-0001' }));
    await screen.findByText('Zeroize keys and credentials');

    history = [
      makeLedgerRow(4, { type: 'device.wipe-failed', payload: { remaining: ['setting old/psk'], checks: [] } }),
      makeLedgerRow(5, { type: 'operation.started', payload: { operationId: 'op-r1' } }),
      makeLedgerRow(6, {
        type: 'device.wipe-failed',
        payload: { remaining: ['setting wifi/psk'], checks: [{ checked: 'settings', how: 'settings read', remaining: ['setting wifi/psk'] }] },
      }),
    ];
    act(() =>
      bridge.emit('operations:changed', {
        operation: operation({
          state: 'failed',
          updatedAt: '2026-11-27T10:02:01.000Z',
          error: { code: 'WIPE_VERIFICATION_FAILED', message: 'The wipe left 1 item(s) on the device: setting wifi/psk', step: 'verify-wipe', isRetryable: true },
        }),
      }),
    );

    expect(await screen.findByText(ERROR_TABLE.WIPE_VERIFICATION_FAILED.title)).toBeTruthy();
    const remaining = await screen.findByRole('list', { name: 'Remaining on the device' });
    expect(within(remaining).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['setting wifi/psk']);
    expect(screen.getByText('Still on the device (it is not retired)')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Certificate of sanitization' })).toBeNull();
  });
});
