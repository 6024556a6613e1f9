// @vitest-environment jsdom
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { OperationSummary } from '../../../shared/contract';
import { FakeBridge } from '../../test/fake-bridge';
import { renderView } from '../../test/render-view';
import { describeProgress } from './format-progress';
import { OperationSteps } from './OperationSteps';

function operation(overrides: Partial<OperationSummary> = {}): OperationSummary {
  return {
    id: 'op-1',
    kind: 'provision',
    deviceId: 'hwid:01',
    title: 'Recipe gateway-eu 3',
    state: 'running',
    steps: [
      {
        name: 'flash',
        label: 'Install firmware 2.1.0',
        state: 'running',
        detail: null,
        progress: {
          done: 512 * 1024,
          total: 1024 * 1024,
          unit: 'bytes',
          perSecond: 64 * 1024,
          etaSeconds: 8,
        },
      },
      { name: 'configure', label: 'Write 4 settings', state: 'pending', detail: null, progress: null },
    ],
    jobId: null,
    startedAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:01.000Z',
    error: null,
    ...overrides,
  };
}

describe('OperationSteps', () => {
  it('shows each step with the running one’s progress, rate and ETA', () => {
    renderView(<OperationSteps operation={operation()} />, new FakeBridge());
    expect(screen.getByText('Install firmware 2.1.0')).toBeTruthy();
    expect(screen.getByText('512 KiB of 1.0 MiB · 64.0 KiB/s · 8 s left')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Install firmware 2.1.0 progress' })).toBeTruthy();
    expect(document.querySelector('[data-step="configure"]')?.getAttribute('data-state')).toBe('pending');
  });

  it('names the failed step and offers a retry only when it may help', () => {
    const onRetry = vi.fn();
    const failed = operation({
      state: 'failed',
      steps: [
        {
          name: 'flash',
          label: 'Install firmware 2.1.0',
          state: 'failed',
          detail: 'the device went away',
          progress: null,
        },
      ],
      error: { code: 'TRANSPORT_CLOSED', message: 'the device went away', step: 'flash', isRetryable: true },
    });
    const { unmount } = renderView(<OperationSteps operation={failed} onRetry={onRetry} />, new FakeBridge());
    expect(screen.getAllByText('Failed')).toHaveLength(2); // the operation's badge and the step
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledOnce();
    unmount();

    renderView(
      <OperationSteps
        operation={{
          ...failed,
          error: { ...failed.error!, code: 'BUNDLE_SIGNATURE_INVALID', isRetryable: false },
        }}
        onRetry={onRetry}
      />,
      new FakeBridge(),
    );
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('describes item progress as a count', () => {
    expect(describeProgress({ done: 3, total: 5, unit: 'items', perSecond: 1, etaSeconds: 2 })).toBe(
      '3 of 5',
    );
  });
});
