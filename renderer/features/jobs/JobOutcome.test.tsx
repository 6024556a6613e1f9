// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FakeBridge } from '../../test/fake-bridge';
import { renderView } from '../../test/render-view';
import { makeJob } from '../firmware/firmware-test-fixtures';
import { JobOutcome } from './JobOutcome';

describe('JobOutcome', () => {
  it('names the failed step in plain sight, and hands the job a Retry started to the view', async () => {
    const failed = makeJob({
      id: 'job-1',
      state: 'failed',
      step: 'upload',
      error: { code: 'DEVICE_NOT_RESPONDING', message: 'no answer', step: 'upload', isRetryable: true },
    });
    const retried = makeJob({ id: 'job-2', state: 'queued', step: 'queued', error: null });
    const bridge = new FakeBridge({ 'jobs:start': () => ({ job: retried }) });
    const onStarted = vi.fn();
    renderView(
      <JobOutcome job={failed} progress={undefined} deviceLabel="FL-1" onStarted={onStarted} />,
      bridge,
    );

    expect(screen.getByText(/^Failed at: /)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry job on FL-1' }));
    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(retried));
    expect(bridge.callsOf('jobs:start')[0]?.input).toEqual({
      deviceId: failed.deviceId,
      bundlePath: failed.bundlePath,
    });
  });
});
