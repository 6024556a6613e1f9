// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { FakeBridge } from '../test/fake-bridge';
import { wrapPreloadBridge } from './preload-bridge';

/** The real preload rejects with a plain object: that is what crosses Electron's context bridge. */
function rejectLikeThePreload(wireError: object): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  return Promise.reject(wireError);
}

describe('wrapPreloadBridge', () => {
  it('turns a rejection in wire form back into an AppError with its details', async () => {
    const preload = new FakeBridge({
      'devices:list': () =>
        rejectLikeThePreload({ code: 'LEDGER_LOCKED', message: 'busy', details: { retryAfterMs: 50 } }),
      'sync:status': () => ({
        state: 'idle',
        pendingCount: 0,
        lastSuccessAt: null,
        lastError: null,
        serverUrl: null,
      }),
    });
    const bridge = wrapPreloadBridge(preload);

    const error = await bridge.invoke('devices:list').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'LEDGER_LOCKED', message: 'busy', details: { retryAfterMs: 50 } });
    await expect(bridge.invoke('sync:status')).resolves.toMatchObject({ state: 'idle' });
    expect(bridge.connection.current()).toBe('connected');
  });
});
