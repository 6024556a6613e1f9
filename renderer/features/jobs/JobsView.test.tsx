// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../../shared/contract';
import { AppError, ERROR_TABLE } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { makeBundle, makeJob, makeProgress } from '../firmware/firmware-test-fixtures';
import { JobsView } from './JobsView';

function jobsBridge(jobs = [makeJob()]): FakeBridge {
  return new FakeBridge({
    'jobs:list': () => ({ jobs }),
    'firmware:list': () => ({ bundles: [{ ...makeBundle(), fit: null }] }),
    'devices:get': ({ deviceId } = { deviceId: '' }) => ({
      device: makeDevice({ id: deviceId, serial: 'LAB-0001' }),
    }),
  });
}

const rowOf = (jobId: string): HTMLElement => document.querySelector(`tr[data-job-id="${jobId}"]`)!;

describe('JobsView', () => {
  it('shows skeletons while loading, then the empty state with the next step', async () => {
    let answer: (value: CommandOutput<'jobs:list'>) => void = () => undefined;
    const bridge = new FakeBridge({
      'jobs:list': () => new Promise((resolve) => (answer = resolve)),
      'firmware:list': () => ({ bundles: [] }),
    });
    renderView(<JobsView />, bridge);
    expect(screen.getByRole('status').textContent).toContain('Loading jobs…');
    await act(() => {
      answer({ jobs: [] });
      return Promise.resolve();
    });
    expect(screen.getByText('No jobs yet')).toBeTruthy();
    expect(screen.getByText(/Flash a device from its detail page/)).toBeTruthy();
  });

  it('shows a failed list through the error table', async () => {
    const bridge = new FakeBridge({
      'jobs:list': () => {
        throw new AppError('TRANSPORT_CLOSED', 'socket closed');
      },
      'firmware:list': () => ({ bundles: [] }),
    });
    renderView(<JobsView />, bridge);
    expect(await screen.findByText(ERROR_TABLE.TRANSPORT_CLOSED.title)).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.TRANSPORT_CLOSED.action)).toBeTruthy();
  });

  it('follows a running job live: device, bundle, step, bytes, rate and ETA, and cancels it', async () => {
    const bridge = jobsBridge([makeJob({ firmwareVersion: null })]);
    bridge.setHandler('jobs:cancel', () => ({ job: makeJob({ state: 'cancelled' }) }));
    renderView(<JobsView />, bridge);
    await screen.findByRole('link', { name: 'LAB-0001' });
    const row = rowOf('job-1');
    expect(within(row).getByText('serial:/dev/pts/7')).toBeTruthy();
    // The version comes from the library until the job has verified the bundle itself.
    expect(within(row).getByText('1.5.0')).toBeTruthy();
    expect(within(row).getByText('fieldline-lab-nrf52840 · sensor-1.5.0.fwb')).toBeTruthy();
    expect(within(row).getByText('Running')).toBeTruthy();
    expect(within(row).getByText('Uploading')).toBeTruthy();

    act(() =>
      bridge.emit('jobs:progress', {
        jobs: [makeProgress({ bytesDone: 6144, bytesPerSecond: 2048, etaSeconds: 75 })],
      }),
    );
    expect(within(row).getByText('25% · 6.0 KiB of 24.0 KiB')).toBeTruthy();
    expect(within(row).getByText('2.0 KiB/s · 1 min 15 s left')).toBeTruthy();
    expect(within(row).getByRole('progressbar')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: 'Cancel job on LAB-0001' }));
    await waitFor(() => expect(bridge.callsOf('jobs:cancel')[0]?.input).toEqual({ jobId: 'job-1' }));
    act(() => bridge.emit('jobs:changed', { job: makeJob({ state: 'cancelled', step: 'upload' }) }));
    expect(within(rowOf('job-1')).getByText('Cancelled')).toBeTruthy();
    expect(within(rowOf('job-1')).queryByRole('button', { name: /Cancel job/ })).toBeNull();
  });

  it('shows a failure with its step and suggested action, and retries a retryable one with the same device and bundle', async () => {
    const failed = makeJob({
      id: 'job-2',
      state: 'failed',
      step: 'upload',
      error: {
        code: 'DEVICE_NOT_RESPONDING',
        message: 'no answer to image upload at offset 8192',
        step: 'upload',
        isRetryable: true,
      },
    });
    const refused = makeJob({
      id: 'job-3',
      state: 'failed',
      step: 'verify-bundle',
      startedAt: '2025-06-01T11:00:00.000Z',
      error: {
        code: 'BUNDLE_WRONG_HARDWARE',
        message: 'hardware id: the device is other-board',
        step: 'verify-bundle',
        isRetryable: false,
      },
    });
    const bridge = jobsBridge([failed, refused]);
    bridge.setHandler('jobs:start', () => ({
      job: makeJob({ id: 'job-4', state: 'queued', step: 'queued', startedAt: '2025-06-01T12:05:00.000Z' }),
    }));
    renderView(<JobsView />, bridge);
    await screen.findAllByRole('link', { name: 'LAB-0001' });
    const row = rowOf('job-2');
    expect(within(row).getByText(ERROR_TABLE.DEVICE_NOT_RESPONDING.title)).toBeTruthy();
    expect(within(row).getByText(ERROR_TABLE.DEVICE_NOT_RESPONDING.action)).toBeTruthy();
    expect(within(row).getByText(/failed at step "upload" \(Uploading\)/)).toBeTruthy();
    expect(within(row).getByText('took 2 s')).toBeTruthy();
    expect(within(rowOf('job-3')).queryByRole('button', { name: /Retry/ })).toBeNull();

    fireEvent.click(within(row).getByRole('button', { name: 'Retry job on LAB-0001' }));
    await waitFor(() =>
      expect(bridge.callsOf('jobs:start')[0]?.input).toEqual({
        deviceId: 'hwid:0A1B',
        bundlePath: '/data/firmware/abab.fwb',
      }),
    );
  });

  it('filters to failed and reverted jobs', async () => {
    const bridge = jobsBridge([
      makeJob(),
      makeJob({
        id: 'job-9',
        state: 'reverted',
        step: 'done',
        error: {
          code: 'FLASH_REVERTED',
          message: 'health check failed',
          step: 'health-check',
          isRetryable: false,
        },
      }),
    ]);
    renderView(<JobsView />, bridge);
    await screen.findAllByRole('link', { name: 'LAB-0001' });
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'problems' } });
    expect(document.querySelectorAll('tr[data-job-id]')).toHaveLength(1);
    expect(rowOf('job-9')).toBeTruthy();
  });
});
