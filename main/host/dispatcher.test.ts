import { describe, expect, it, vi } from 'vitest';
import type { CommandHandlers } from '../core/command-handlers';
import { silentLogger } from '../core/ports/logger';
import { commands } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createDispatcher } from './dispatcher';

const notConfigured = { state: 'not-configured', pendingCount: 0, lastSuccessAt: null, lastError: null, serverUrl: null } as const;

/** Every command answers NOT_IMPLEMENTED unless a test gives it a handler: new commands need no edit here. */
function fakeHandlers(overrides: Partial<CommandHandlers> = {}): CommandHandlers {
  const unimplemented = Object.fromEntries(
    Object.keys(commands).map((name) => [
      name,
      () => Promise.reject(new AppError('NOT_IMPLEMENTED', `${name} is not faked here`)),
    ]),
  );
  return {
    ...unimplemented,
    'app:info': () => ({ name: 'Fieldline', version: '0.0.0', stationId: 's', dataDir: '/d', host: 'station', platform: 'linux' }),
    'devices:list': () => ({ devices: [] }),
    'ledger:list-events': () => ({ events: [], nextBefore: null }),
    'ledger:device-history': () => ({ events: [] }),
    'sync:status': () => notConfigured,
    'sync:enroll-station': () => notConfigured,
    'sync:now': () => notConfigured,
    'jobs:start': () => Promise.reject(new AppError('NOT_IMPLEMENTED', 'no jobs here')),
    'jobs:cancel': () => Promise.reject(new AppError('NOT_FOUND', 'no such job')),
    'jobs:list': () => ({ jobs: [] }),
    'firmware:import': () => Promise.reject(new AppError('NOT_IMPLEMENTED', 'no library here')),
    'firmware:list': () => ({ bundles: [] }),
    'firmware:get': () => Promise.reject(new AppError('NOT_FOUND', 'no such bundle')),
    ...overrides,
  } as CommandHandlers;
}

describe('createDispatcher', () => {
  it('answers a contract command with an ok envelope', async () => {
    const dispatcher = createDispatcher(fakeHandlers(), silentLogger);
    await expect(dispatcher.dispatch('devices:list', undefined)).resolves.toEqual({ ok: true, value: { devices: [] } });
  });

  it('refuses a name outside the contract without calling any handler', async () => {
    const handlers = fakeHandlers();
    const spies = Object.keys(handlers).map((name) => vi.spyOn(handlers, name as keyof CommandHandlers));
    const dispatcher = createDispatcher(handlers, silentLogger);
    for (const name of ['fs:read-file', '__proto__', 'constructor', 42, null]) {
      const answer = await dispatcher.dispatch(name, {});
      expect(answer).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('parses input from unknown and names the wrong field', async () => {
    const listEvents = vi.fn(() => ({ events: [], nextBefore: null }));
    const dispatcher = createDispatcher(fakeHandlers({ 'ledger:list-events': listEvents }), silentLogger);
    const answer = await dispatcher.dispatch('ledger:list-events', { limit: 5000 });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('limit') as unknown } });
    const extra = await dispatcher.dispatch('app:info', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(listEvents).not.toHaveBeenCalled();
    await dispatcher.dispatch('ledger:list-events', {});
    expect(listEvents).toHaveBeenCalledWith({ limit: 200 });
  });

  it('keeps the code of an AppError and hides nothing else as INTERNAL', async () => {
    const dispatcher = createDispatcher(
      fakeHandlers({
        'ledger:device-history': () => {
          throw new AppError('NOT_FOUND', 'no such device');
        },
        'devices:list': () => {
          throw new TypeError('boom');
        },
      }),
      silentLogger,
    );
    await expect(dispatcher.dispatch('ledger:device-history', { deviceId: 'x' })).resolves.toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no such device' },
    });
    await expect(dispatcher.dispatch('devices:list', undefined)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});
