// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_UPLOAD_MAX_BYTES, type CommandOutput } from '../../../shared/contract';
import { AppError, ERROR_TABLE } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { makeBundle, makeFit, makeJob, makeProgress } from './firmware-test-fixtures';
import { FirmwareView } from './FirmwareView';

const bundle = makeBundle();

function libraryBridge(bundles = [bundle]): FakeBridge {
  return new FakeBridge({
    'firmware:list': () => ({ bundles: bundles.map((entry) => ({ ...entry, fit: null })) }),
    'firmware:get': () => ({
      bundle,
      fittingDevices: [makeFit()],
      unfitDevices: [
        makeFit({
          deviceId: 'hwid:FFFF',
          serial: 'LAB-OLD',
          fits: false,
          refusal: {
            code: 'BUNDLE_ROLLBACK',
            check: 'security counter',
            message:
              'security counter: the manifest has 3, lower than the 7 the ledger recorded for this device',
          },
        }),
      ],
    }),
    'jobs:list': () => ({ jobs: [] }),
  });
}

function choose(file: File): void {
  const picker = document.querySelector('input[type="file"]') as HTMLInputElement;
  fireEvent.change(picker, { target: { files: [file] } });
}

describe('FirmwareView', () => {
  it('shows skeletons while loading, then the empty state with the next step', async () => {
    let answer: (value: CommandOutput<'firmware:list'>) => void = () => undefined;
    const bridge = new FakeBridge({ 'firmware:list': () => new Promise((resolve) => (answer = resolve)) });
    renderView(<FirmwareView />, bridge);
    expect(screen.getByRole('status').textContent).toContain('Loading firmware bundles…');
    await act(() => {
      answer({ bundles: [] });
      return Promise.resolve();
    });
    expect(screen.getByText('No firmware bundles yet')).toBeTruthy();
    expect(screen.getByText(/Import a signed firmware bundle/)).toBeTruthy();
  });

  it('shows a failed list through the error table, with its suggested action and a retry', async () => {
    let fails = true;
    const bridge = new FakeBridge({
      'firmware:list': () => {
        if (fails) throw new AppError('DATA_DIR_UNUSABLE', 'EACCES: /data/firmware');
        return { bundles: [] };
      },
    });
    renderView(<FirmwareView />, bridge);
    expect(await screen.findByText(ERROR_TABLE.DATA_DIR_UNUSABLE.title)).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.DATA_DIR_UNUSABLE.action)).toBeTruthy();
    fails = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No firmware bundles yet')).toBeTruthy();
  });

  it('lists bundles with their facts and opens the newest: verification, fitting devices and why others do not fit', async () => {
    renderView(<FirmwareView />, libraryBridge());
    const row = await screen.findByRole('row', { name: /fieldline-lab-nrf52840/ });
    expect(row.getAttribute('data-bundle-id')).toBe(bundle.bundleId);
    for (const text of [
      '1.5.0',
      'stable',
      '3',
      'dev-release-ed25519',
      'Development key',
      'Verified',
      '1 device',
    ])
      expect(within(row).getAllByText(text).length).toBeGreaterThan(0);
    const fits = await screen.findByRole('region', { name: 'Devices it fits' });
    expect(within(fits).getByRole('link', { name: 'LAB-0001' }).getAttribute('href')).toBe(
      '#/devices/hwid%3A0A1B',
    );
    expect(
      within(fits)
        .getByText(/LAB-OLD/)
        .closest('details'),
    ).toBeTruthy();
    expect(within(fits).getByText(/lower than the 7 the ledger recorded/)).toBeTruthy();
    expect(screen.getByRole('region', { name: 'fieldline-lab-nrf52840 1.5.0' }).textContent).toContain(
      'Release signature by dev-release-ed25519',
    );
  });

  it('asks again which devices fit when a device of its hardware is announced, once per burst', async () => {
    const bridge = libraryBridge();
    renderView(<FirmwareView />, bridge);
    await screen.findByRole('region', { name: 'Devices it fits' });
    const before = bridge.callsOf('firmware:get').length;
    act(() => {
      for (let index = 0; index < 5; index += 1)
        bridge.emit('devices:changed', {
          upserted: [makeDevice({ model: 'fieldline-lab-nrf52840' })],
          removedIds: [],
        });
      bridge.emit('devices:changed', { upserted: [makeDevice({ model: 'another-board' })], removedIds: [] });
    });
    await waitFor(() => expect(bridge.callsOf('firmware:get')).toHaveLength(before + 1), { timeout: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(bridge.callsOf('firmware:get')).toHaveLength(before + 1);
  });

  it('flashes a fitting device after a confirmation, then shows live progress and the outcome', async () => {
    const bridge = libraryBridge();
    bridge.setHandler('jobs:start', () => ({ job: makeJob({ state: 'queued', step: 'queued' }) }));
    renderView(<FirmwareView />, bridge);
    fireEvent.click(await screen.findByRole('button', { name: 'Flash 1.5.0 to LAB-0001' }));
    const confirm = screen.getByRole('group', { name: 'Confirm flashing LAB-0001' });
    expect(confirm.textContent).toContain('fieldline-lab-nrf52840 1.4.0 → 1.5.0');
    expect(bridge.callsOf('jobs:start')).toEqual([]);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Flash now' }));
    await waitFor(() =>
      expect(bridge.callsOf('jobs:start')[0]?.input).toEqual({
        deviceId: 'hwid:0A1B',
        bundlePath: bundle.path,
      }),
    );

    act(() => {
      bridge.emit('jobs:changed', { job: makeJob() });
      bridge.emit('jobs:progress', { jobs: [makeProgress()] });
    });
    expect(await screen.findByText(/50% · 12\.0 KiB of 24\.0 KiB/)).toBeTruthy();
    expect(screen.getByText(/4\.0 KiB\/s · 3 s left/)).toBeTruthy();
    act(() => bridge.emit('jobs:changed', { job: makeJob({ state: 'succeeded', step: 'done' }) }));
    expect(await screen.findByText(/Installed: the device runs the new image/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open in Jobs' }).getAttribute('href')).toBe('#/jobs');
  });

  it('uploads a chosen file as base64 and shows a refusal with the failed check, kept out of the library', async () => {
    const bridge = libraryBridge([]);
    bridge.setHandler('firmware:import', () => ({
      outcome: 'refused',
      fileName: 'evil.fwb',
      sizeBytes: 3,
      bundleSha256: '00'.repeat(32),
      refusal: {
        code: 'BUNDLE_SIGNATURE_INVALID',
        check: 'signature',
        message: 'signature: dev-release-ed25519 does not verify the manifest',
      },
    }));
    renderView(<FirmwareView />, bridge);
    await screen.findByText('No firmware bundles yet');
    choose(new File([new Uint8Array([1, 2, 3])], 'evil.fwb'));
    await waitFor(() =>
      expect(bridge.callsOf('firmware:import')[0]?.input).toEqual({
        fileName: 'evil.fwb',
        contentBase64: 'AQID',
      }),
    );
    expect(
      await screen.findByText(`Refused evil.fwb: ${ERROR_TABLE.BUNDLE_SIGNATURE_INVALID.title}`),
    ).toBeTruthy();
    expect(screen.getByText('Failed check: signature · kept out of the library')).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.BUNDLE_SIGNATURE_INVALID.action)).toBeTruthy();
  });

  it('refuses a file over the upload limit before reading it, with the action to import it by path', async () => {
    const bridge = libraryBridge([]);
    renderView(<FirmwareView />, bridge);
    await screen.findByText('No firmware bundles yet');
    choose(new File([new Uint8Array(FIRMWARE_UPLOAD_MAX_BYTES + 1)], 'huge.fwb'));
    expect(await screen.findByText(ERROR_TABLE.FIRMWARE_UPLOAD_TOO_LARGE.title)).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.FIRMWARE_UPLOAD_TOO_LARGE.action)).toBeTruthy();
    expect(bridge.callsOf('firmware:import')).toEqual([]);
  });

  it('imports by a path on the station and opens the imported bundle', async () => {
    const imported = makeBundle({ bundleId: 'cd'.repeat(32), version: '1.6.0' });
    const bridge = libraryBridge([]);
    bridge.setHandler('firmware:import', () => ({
      outcome: 'imported',
      bundle: imported,
      isAlreadyInLibrary: false,
    }));
    renderView(<FirmwareView />, bridge);
    await screen.findByText('No firmware bundles yet');
    fireEvent.change(screen.getByLabelText('Path on the station'), {
      target: { value: ' /srv/releases/sensor-1.6.0.fwb ' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Import from path' }));
    await waitFor(() =>
      expect(bridge.callsOf('firmware:import')[0]?.input).toEqual({ path: '/srv/releases/sensor-1.6.0.fwb' }),
    );
    expect(await screen.findByText('Imported fieldline-lab-nrf52840 1.6.0')).toBeTruthy();
    expect(screen.getByText(/Signed with a development key/)).toBeTruthy();
  });
});
