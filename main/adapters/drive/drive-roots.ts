import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A folder where drives show up, and at which depths below it a drive's root can be. */
export interface DriveRoot {
  path: string;
  minDepth: number;
  maxDepth: number;
}

/**
 * Where Linux desktops mount removable drives: udisks2 uses /media/<user>/<label> on Debian and Ubuntu
 * and /run/media/<user>/<label> on Fedora and Arch; older setups and manual mounts use /media/<label>.
 */
export const LINUX_MOUNT_ROOTS: readonly DriveRoot[] = [
  { path: '/media', minDepth: 1, maxDepth: 2 },
  { path: '/run/media', minDepth: 2, maxDepth: 2 },
];

/** A configured folder is a drive itself, or a place whose subfolders are drives (like a mount root). */
export function configuredRoot(path: string): DriveRoot {
  return { path, minDepth: 0, maxDepth: 1 };
}

/** Folders at the root's depths; unreadable or vanished folders are passed over (drives come and go). */
export async function candidateFolders(root: DriveRoot): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string, depth: number): Promise<void> => {
    if (depth >= root.minDepth) found.push(folder);
    if (depth >= root.maxDepth) return;
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.'))
        await visit(join(folder, entry.name), depth + 1);
    }
  };
  await visit(root.path, 0);
  return found;
}
