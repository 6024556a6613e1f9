import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rectangle, Screen } from 'electron';
import { z } from 'zod';
import type { Logger } from '../core/ports/logger';

/** The main window's size and place, in `<dataDir>/window-state.json`. */
export const WINDOW_STATE_FILE = 'window-state.json';

/** Enough of the title bar on a screen to grab it; less than this counts as off-screen. */
const MIN_VISIBLE_WIDTH_PX = 120;
const MIN_VISIBLE_HEIGHT_PX = 40;

const pixels = z.number().int().min(-100_000).max(100_000);
const windowStateSchema = z
  .object({
    x: pixels,
    y: pixels,
    width: z.number().int().min(200).max(100_000),
    height: z.number().int().min(150).max(100_000),
    isMaximized: z.boolean(),
  })
  .strict();
export type WindowState = z.infer<typeof windowStateSchema>;

export function windowStatePath(dataDir: string): string {
  return join(dataDir, WINDOW_STATE_FILE);
}

/**
 * The saved state, or null when there is none or it cannot be trusted: a corrupt file, or bounds no
 * display shows any more (a monitor unplugged since). Both are logged with the reason and ignored; the
 * window then opens at its default size, centred.
 */
export function restoreWindowState(filePath: string, screen: Pick<Screen, 'getDisplayMatching'>, logger: Logger): WindowState | null {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err: error, filePath }, 'window state unreadable; using the default size');
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    logger.warn({ filePath }, 'window state is not JSON; using the default size');
    return null;
  }
  const result = windowStateSchema.safeParse(parsed);
  if (!result.success) {
    const problem = result.error.issues.map((issue) => `${issue.path.join('.') || 'state'}: ${issue.message}`).join('; ');
    logger.warn({ filePath, problem }, 'window state is malformed; using the default size');
    return null;
  }
  const state = result.data;
  const { workArea } = screen.getDisplayMatching(state);
  if (!isVisibleOn(state, workArea)) {
    logger.info({ filePath, bounds: state, workArea }, 'saved window position is off-screen; using the default size');
    return null;
  }
  return state;
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a file. */
export function saveWindowState(filePath: string, state: WindowState): void {
  mkdirSync(dirname(filePath), { recursive: true });
  const temporary = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, filePath);
}

function isVisibleOn(bounds: Rectangle, area: Rectangle): boolean {
  const visibleWidth = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
  const visibleHeight = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
  return visibleWidth >= MIN_VISIBLE_WIDTH_PX && visibleHeight >= MIN_VISIBLE_HEIGHT_PX;
}
