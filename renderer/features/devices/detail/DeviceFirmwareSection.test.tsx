// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../../shared/contract';
import { ERROR_TABLE } from '../../../../shared/errors';
import { FakeBridge } from '../../../test/fake-bridge';
import { makeDevice, makeLedgerRow } from '../../../test/fixtures';
import { renderView } from '../../../test/render-view';
import { makeBundle, makeFit, makeJob, makeProgress } from '../../firmware/firmware-test-fixtures';
import { DeviceDetailView } from './DeviceDetailView';

const device = makeDevice({
  id: 'hwid:0A1B',
  serial: 'LAB-0001',
  model: 'fieldline-lab-nrf52840',
  firmwareVersion: '1.4.0',
});
const flashed = makeLedgerRow(3, {
  deviceId: 'hwid:0A1B',
  type: 'firmware.flashed',
  payload: {
    firmwareVersion: '1.4.0',
    imageHash: '9f'.repeat(32),
    evidence: {
      slotsAfter: [
        {
          slot: 0,
          version: '1.4.0',
          hash: '9f'.repeat(32),
          isActive: true,
          isConfirmed: true,
          isPending: false,
          isPermanent: false,
        },
        {
          slot: 1,
          version: '1.3.0',
          hash: '11'.repeat(32),
          isActive: false,
          isConfirmed: false,
          isPending: false,
          isPermanent: false,
        },
      ],
    },
  },
});
const fits = makeBundle({ version: '1.5.0' });
const tooOld = makeBundle({ bundleId: '12'.repeat(32), version: '1.2.0' });

function detailBridge(history: LedgerEvent[], bundles = [fits, tooOld]): FakeBridge {
  return new FakeBridge({
    'devices:list': () => ({ devices: [device] }),
    'devices:get': () => ({ device }),
    'ledger:device-history': () => ({ events: history }),
    'app:info': () => ({
      name: 'Fieldline',
      version: '0.1.0',
      stationId: 'station-a',
      dataDir: '/data',
      host: 'station',
      platform: 'linux',
    }),
    'firmware:list': () => ({
      bundles: bundles.map((bundle) =>
        bundle === tooOld
          ? {
              ...bundle,
              fit: makeFit({
                fits: false,
                refusal: {
                  code: 'BUNDLE_ROLLBACK',
                  check: 'security counter',
                  message: 'security counter: too low',
                },
              }),
            }
          : { ...bundle, fit: makeFit() },
      ),
    }),
    'jobs:list': () => ({ jobs: [] }),
  });
}

const firmwareRegion = (): HTMLElement => screen.getByRole('region', { name: 'Firmware' });

describe('device detail: Firmware', () => {
  it('shows what the ledger recorded as installed, with its slots, and only the bundles that fit', async () => {
    const bridge = detailBridge([flashed]);
    renderView(<DeviceDetailView deviceId="hwid:0A1B" />, bridge);
    await screen.findByRole('button', { name: 'Flash 1.5.0 to LAB-0001' });
    const region = firmwareRegion();
    expect(bridge.callsOf('firmware:list')[0]?.input).toEqual({ deviceId: 'hwid:0A1B' });
    expect(within(region).getByText('9f9f9f9f9f9f9f9f…')).toBeTruthy();
    const slotRows = within(region).getAllByRole('row').slice(1);
    expect(slotRows.map((row) => row.textContent)).toEqual([
      '01.4.09f9f9f9f9f9factive, confirmed',
      '11.3.0111111111111—',
    ]);
    expect(within(region).queryByText(/1\.2\.0/)).toBeNull();
    expect(within(region).getByRole('link', { name: 'All jobs' }).getAttribute('href')).toBe('#/jobs');
  });

  it('says when no bundle fits, pointing to the library', async () => {
    renderView(<DeviceDetailView deviceId="hwid:0A1B" />, detailBridge([], [tooOld]));
    expect(await screen.findByText('No bundle in the library fits this device')).toBeTruthy();
    expect(
      within(firmwareRegion()).getByRole('link', { name: 'Open the Firmware library' }).getAttribute('href'),
    ).toBe('#/firmware');
    expect(within(firmwareRegion()).getByText(/No flash of this device is recorded yet/)).toBeTruthy();
  });

  it('flashes after a confirmation, then shows progress, ETA and the failure inline with its action and a retry', async () => {
    const bridge = detailBridge([flashed]);
    bridge.setHandler('jobs:start', () => ({
      job: makeJob({ state: 'queued', step: 'queued', firmwareVersion: null }),
    }));
    renderView(<DeviceDetailView deviceId="hwid:0A1B" />, bridge);
    fireEvent.click(await screen.findByRole('button', { name: 'Flash 1.5.0 to LAB-0001' }));
    const confirm = screen.getByRole('group', { name: 'Confirm flashing LAB-0001' });
    expect(confirm.textContent).toContain('1.4.0 → 1.5.0');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Flash now' }));
    await waitFor(() => expect(bridge.callsOf('jobs:start')).toHaveLength(1));
    expect(await within(firmwareRegion()).findByText('Waiting for a free slot')).toBeTruthy();

    act(() => {
      bridge.emit('jobs:changed', { job: makeJob() });
      bridge.emit('jobs:progress', { jobs: [makeProgress({ bytesDone: 24_576, etaSeconds: 0 })] });
    });
    expect(within(firmwareRegion()).getByText('100% · 24.0 KiB of 24.0 KiB')).toBeTruthy();
    expect(within(firmwareRegion()).getByText('4.0 KiB/s · 0 s left')).toBeTruthy();

    act(() =>
      bridge.emit('jobs:changed', {
        job: makeJob({
          state: 'failed',
          step: 'device-back',
          error: {
            code: 'DEVICE_NOT_RESPONDING',
            message: 'the device did not come back',
            step: 'device-back',
            isRetryable: true,
          },
        }),
      }),
    );
    const region = firmwareRegion();
    expect(within(region).getByText(ERROR_TABLE.DEVICE_NOT_RESPONDING.title)).toBeTruthy();
    expect(within(region).getByText(ERROR_TABLE.DEVICE_NOT_RESPONDING.action)).toBeTruthy();
    expect(within(region).getByText(/failed at step "device-back"/)).toBeTruthy();
    expect(within(region).getByRole('button', { name: 'Retry job on LAB-0001' })).toBeTruthy();
  });

  it('disables Flash while the device is not connected, and says why', async () => {
    const offline = { ...device, sightings: [] };
    const bridge = detailBridge([flashed]);
    bridge.setHandler('devices:list', () => ({ devices: [offline] }));
    bridge.setHandler('devices:get', () => ({ device: offline }));
    renderView(<DeviceDetailView deviceId="hwid:0A1B" />, bridge);
    const button = await screen.findByRole('button', { name: 'Flash 1.5.0 to LAB-0001' });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(true));
    expect(within(firmwareRegion()).getByText('Not connected: plug it in to flash it')).toBeTruthy();
  });
});
