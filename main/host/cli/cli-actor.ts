import { userInfo } from 'node:os';

/** Who the ledger names for what a CLI command does: `cli:<OS user>` (`cli:unknown` where the OS cannot say). */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}
