import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger';
import type { FlashProcessExit, FlashProcessHandle } from './flash-process-handle';
import { ProcessFlashExecutor } from './process-flash-executor';

/** A process that never runs anything: enough to see how many the executor keeps and when. */
class IdleHandle implements FlashProcessHandle {
  readonly pid = 1234;
  readonly stderr = null;
  readonly #exitListeners: ((exit: FlashProcessExit) => void)[] = [];
  isKilled = false;

  send(): void {}
  onMessage(): () => void {
    return () => undefined;
  }
  onExit(listener: (exit: FlashProcessExit) => void): void {
    this.#exitListeners.push(listener);
  }
  kill(): void {
    this.isKilled = true;
    this.exit();
  }
  exit(): void {
    for (const listener of this.#exitListeners.splice(0)) listener({ code: 0, signal: null });
  }
}

function executorWithFakes(): { executor: ProcessFlashExecutor; spawned: IdleHandle[] } {
  const spawned: IdleHandle[] = [];
  const executor = new ProcessFlashExecutor({
    logger: silentLogger,
    spawnFlashProcess: () => {
      const handle = new IdleHandle();
      spawned.push(handle);
      return handle;
    },
  });
  return { executor, spawned };
}

describe('ProcessFlashExecutor.warmOne', () => {
  it('starts one process per call until the target is loaded, then none', async () => {
    const { executor, spawned } = executorWithFakes();
    expect(executor.warmOne(2)).toBe(true);
    expect(executor.warmOne(2)).toBe(true);
    expect(executor.warmOne(2)).toBe(false);
    expect(spawned).toHaveLength(2);
    await executor.close();
    expect(spawned.every((handle) => handle.isKilled)).toBe(true);
    expect(executor.warmOne(5)).toBe(false);
  });

  it('replaces an idle process that died instead of handing it to a job', async () => {
    const { executor, spawned } = executorWithFakes();
    executor.warmOne(1);
    spawned[0]!.exit();
    await Promise.resolve();
    expect(executor.warmOne(1)).toBe(true);
    expect(spawned).toHaveLength(2);
    await executor.close();
  });
});
