/** True while a process with this id exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  return pid > 0 && canSignal(pid);
}

/** True while any process of this process group exists. */
export function isProcessGroupAlive(groupId: number): boolean {
  return groupId > 0 && canSignal(-groupId);
}

function canSignal(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until no process of the group is left (a process that has just exited may linger a moment
 * before its parent reaps it). Resolves false if some member is still there after `limitMs`.
 */
export async function waitForProcessGroupExit(groupId: number, limitMs = 5_000): Promise<boolean> {
  for (const startedAt = Date.now(); Date.now() - startedAt < limitMs;) {
    if (!isProcessGroupAlive(groupId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !isProcessGroupAlive(groupId);
}
