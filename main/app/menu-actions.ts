import { dialog, shell, type BrowserWindow } from 'electron';
import { AppError, presentError, toAppError } from '../../shared/errors';
import type { Logger } from '../core/ports/logger';
import type { Dispatcher } from '../host/dispatcher';
import { APP_ENTRY_URL } from './app-origin';
import type { MenuActions, MenuViewId } from './application-menu';

export interface MenuActionContext {
  window: BrowserWindow;
  dispatcher: Dispatcher;
  dataDir: string;
  logger: Logger;
}

/**
 * The menu's own items. A view is shown by changing the page's hash route, a same-document navigation
 * that keeps the renderer's state; a bundle goes through the same `firmware:import` command (by path)
 * as every other caller, so it is verified and recorded the same way, and then the Firmware view shows it.
 */
export function createMenuActions({ window, dispatcher, dataDir, logger }: MenuActionContext): MenuActions {
  const showView = (viewId: MenuViewId): void => {
    window.webContents.loadURL(`${APP_ENTRY_URL}#/${viewId}`).catch((error: unknown) => logger.warn({ err: error, viewId }, 'could not show the view'));
  };
  const showFailure = (error: unknown): void => {
    const appError = toAppError(error);
    const { title, action } = presentError(appError.code);
    dialog.showErrorBox(title, `${action}\n\n${appError.message}`);
  };
  return {
    showView,
    importBundle: () => {
      void dialog
        .showOpenDialog(window, { title: 'Import firmware bundle', properties: ['openFile'] })
        .then(async ({ canceled, filePaths: [path] }) => {
          if (canceled || path === undefined) return;
          const envelope = await dispatcher.dispatch('firmware:import', { path });
          if (!envelope.ok) {
            logger.warn({ code: envelope.error.code, path }, 'bundle import from the menu failed');
            showFailure(AppError.fromSerialized(envelope.error));
          }
          // Imported or refused, the Firmware view shows the bundle and every check's result.
          showView('firmware');
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'the import dialog failed');
          showFailure(error);
        });
    },
    openDataFolder: () => {
      void shell.openPath(dataDir).then((problem) => {
        if (problem !== '') logger.warn({ dataDir, problem }, 'could not open the data folder');
      });
    },
  };
}
