import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { connectToParent, type ProcessLike } from './flash-process-parent';
import type { ToFlashProcess } from './flash-process-protocol';

/** A process with Electron's parentPort (a utility process), recording what it posts and whether it exits. */
function utilityProcessLike() {
  const port = Object.assign(new EventEmitter(), { postMessage: vi.fn() });
  const proc = Object.assign(new EventEmitter(), { parentPort: port, exit: vi.fn() });
  const receive = (message: ToFlashProcess): void => void port.emit('message', { data: message, ports: [] });
  return { proc: proc as unknown as ProcessLike, port, exit: proc.exit, receive };
}

/** A forked child's process: IPC `send` (calling back at once), `disconnect`, 'message' events. */
function forkedProcessLike() {
  const proc = Object.assign(new EventEmitter(), {
    connected: true,
    send: vi.fn((_message: unknown, _handle?: undefined, _options?: object, callback?: () => void) => {
      callback?.();
      return true;
    }),
    disconnect: vi.fn(() => {
      proc.connected = false;
    }),
    exit: vi.fn(),
  });
  return { proc: proc as unknown as ProcessLike, raw: proc };
}

const START: ToFlashProcess = { type: 'cancel', message: 'stop' };

describe('a flash process talking to its station', () => {
  it('uses parentPort when it runs as an Electron utility process, even where process.send exists', async () => {
    const { proc, port, receive } = utilityProcessLike();
    const ipcSend = vi.fn(() => true);
    proc.send = ipcSend;
    const parent = connectToParent(proc);
    const received: unknown[] = [];
    parent.onMessage((message) => received.push(message));
    parent.post({ type: 'ready' });
    await parent.postLast({ type: 'progress', bytesDone: 1, totalBytes: 2 });
    receive(START);
    expect(port.postMessage.mock.calls).toEqual([
      [{ type: 'ready' }],
      [{ type: 'progress', bytesDone: 1, totalBytes: 2 }],
    ]);
    expect(received).toEqual([START]);
    expect(ipcSend).not.toHaveBeenCalled();
  });

  it('in a utility process, exits only once it has left and the station released it, in either order', () => {
    const first = utilityProcessLike();
    const leavingFirst = connectToParent(first.proc);
    leavingFirst.leave();
    expect(first.exit).not.toHaveBeenCalled();
    first.receive({ type: 'release' });
    expect(first.exit).toHaveBeenCalledExactlyOnceWith(0);

    const second = utilityProcessLike();
    const releasedFirst = connectToParent(second.proc);
    const received: unknown[] = [];
    releasedFirst.onMessage((message) => received.push(message));
    second.receive({ type: 'release' });
    expect(second.exit).not.toHaveBeenCalled();
    releasedFirst.leave();
    expect(second.exit).toHaveBeenCalledExactlyOnceWith(0);
    expect(received).toEqual([]);
  });

  it('as a forked child, sends over IPC, waits for the outcome to be handed over, and leaves by disconnecting', async () => {
    const { proc, raw } = forkedProcessLike();
    const parent = connectToParent(proc);
    const received: unknown[] = [];
    const gone = vi.fn();
    parent.onMessage((message) => received.push(message));
    parent.onGone(gone);
    raw.emit('message', START);
    raw.emit('message', { type: 'release' });
    await parent.postLast({ type: 'ready' });
    expect(raw.send).toHaveBeenCalledWith({ type: 'ready' }, undefined, {}, expect.any(Function));
    parent.leave();
    parent.leave();
    expect(raw.disconnect).toHaveBeenCalledOnce();
    expect(raw.exit).not.toHaveBeenCalled();
    raw.emit('disconnect');
    expect(gone).toHaveBeenCalledOnce();
    expect(received).toEqual([START]);
  });

  it('refuses to run in a process that has no channel to a station', () => {
    const proc = Object.assign(new EventEmitter(), { exit: vi.fn() }) as unknown as ProcessLike;
    expect(() => connectToParent(proc)).toThrow(/forked flash process or an Electron utility process/);
  });
});
