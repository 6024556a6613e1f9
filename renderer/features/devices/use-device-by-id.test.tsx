// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../src/AppProviders';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice } from '../../test/fixtures';
import '../../test/dom-setup';
import { useDeviceById } from './use-device-by-id';

function render(bridge: FakeBridge, deviceId: string) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <AppProviders bridge={bridge} env="test">
      {children}
    </AppProviders>
  );
  return renderHook(() => useDeviceById(deviceId), { wrapper });
}

describe('useDeviceById', () => {
  it('asks devices:get for the one device and follows devices:changed for it only', async () => {
    const bridge = new FakeBridge({ 'devices:get': (input) => ({ device: makeDevice({ id: input?.deviceId ?? '?', state: 'new' }) }) });
    const { result } = render(bridge, 'hw-7');
    await waitFor(() => expect(result.current.device?.id).toBe('hw-7'));
    expect(bridge.calls).toEqual([{ name: 'devices:get', input: { deviceId: 'hw-7' } }]);

    act(() => bridge.emit('devices:changed', { upserted: [makeDevice({ id: 'other', state: 'failed' })], removedIds: [] }));
    expect(result.current.device?.state).toBe('new');
    act(() => bridge.emit('devices:changed', { upserted: [makeDevice({ id: 'hw-7', state: 'provisioned', updatedAt: '2026-01-01T00:00:00.000Z' })], removedIds: [] }));
    expect(result.current.device?.state).toBe('provisioned');
  });

  it('answers null for a device the station does not know, and the error when the call fails', async () => {
    const unknown = render(new FakeBridge({ 'devices:get': () => ({ device: null }) }), 'nope');
    await waitFor(() => expect(unknown.result.current.device).toBeNull());
    const failing = render(new FakeBridge(), 'hw-1');
    await waitFor(() => expect(failing.result.current.error?.code).toBe('NOT_IMPLEMENTED'));
  });
});
