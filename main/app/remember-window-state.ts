import type { BrowserWindow } from 'electron';
import { toAppError } from '../../shared/errors';
import type { Logger } from '../core/ports/logger';
import { saveWindowState, type WindowState } from './window-state';

/** Applies a restored state to a new window (before it is shown). */
export function applyWindowState(window: BrowserWindow, state: WindowState | null): void {
  if (state === null) return;
  window.setBounds({ x: state.x, y: state.y, width: state.width, height: state.height });
  if (state.isMaximized) window.maximize();
}

/**
 * Saves the window's size and place when it closes. The normal bounds are saved even when it is
 * maximized, so that un-maximizing after the next start returns to where it was.
 */
export function rememberWindowState(window: BrowserWindow, filePath: string, logger: Logger): void {
  window.on('close', () => {
    const { x, y, width, height } = window.getNormalBounds();
    try {
      saveWindowState(filePath, { x, y, width, height, isMaximized: window.isMaximized() });
    } catch (error: unknown) {
      // Losing the window's place is no reason to stop the app from closing.
      logger.warn({ err: error, code: toAppError(error).code, filePath }, 'could not save the window state');
    }
  });
}
