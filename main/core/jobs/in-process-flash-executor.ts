import type { FlashExecutor, FlashTask, FlashTaskHooks, FlashTaskResult } from './flash-task';
import { runFlashTask, type FlashTaskDeps } from './run-flash-task';

/**
 * Runs flash tasks on the calling thread, routed by protocol (run-flash-task.ts). For tests, tools that
 * flash one device, and USB DFU on a bus that lives in this process (the device lab's virtual bus); a
 * station uses the flash-process executor (main/host/flash-process) so that a stuck port cannot block
 * the others or the UI.
 */
export class InProcessFlashExecutor implements FlashExecutor {
  readonly #deps: FlashTaskDeps;

  constructor(deps: FlashTaskDeps) {
    this.#deps = deps;
  }

  run(task: FlashTask, hooks: FlashTaskHooks): Promise<FlashTaskResult> {
    return runFlashTask(task, this.#deps, hooks);
  }
}
