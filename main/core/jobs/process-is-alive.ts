/**
 * Whether the process that owns an unfinished job or operation still runs: signal 0 checks without
 * disturbing it, and EPERM means it runs under another user. Used by recovery after a crash.
 */
export function processIsAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
