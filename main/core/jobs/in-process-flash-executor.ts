import type { FlashExecutor, FlashTask, FlashTaskHooks, FlashTaskResult } from './flash-task';
import { runSmpFlashTask, type SmpFlashTaskDeps } from './run-smp-flash-task';

/**
 * Runs flash tasks on the calling thread. For tests and tools that flash one device; a station uses the
 * worker-thread executor (main/host/flash-worker) so that a stuck port cannot block the others or the UI.
 */
export class InProcessFlashExecutor implements FlashExecutor {
  readonly #deps: SmpFlashTaskDeps;

  constructor(deps: SmpFlashTaskDeps) {
    this.#deps = deps;
  }

  run(task: FlashTask, hooks: FlashTaskHooks): Promise<FlashTaskResult> {
    return runSmpFlashTask(task, this.#deps, hooks);
  }
}
