import { shell, type App, type WebContents } from 'electron';
import type { Logger } from '../core/ports/logger';
import { isSameOrigin } from './app-origin';

/**
 * Keeps a webContents on our own origin (Electron security checklist, items 12–14):
 * main-frame navigations and redirects elsewhere are cancelled (subframes cannot load at all:
 * the CSP says `frame-src 'none'`), new windows are never created, and
 * `<webview>` can never attach. A link meant for the outside (`target="_blank"` to an https URL)
 * opens in the operating system's browser instead; any other scheme (file:, smb:, custom URL
 * handlers, plain http) is refused, because `openExternal` hands it to whatever program claims it.
 */
export function guardWebContents(contents: WebContents, allowedOrigin: string, logger: Logger): void {
  const refuseForeign = (event: { url: string; preventDefault(): void }, kind: string): void => {
    if (isSameOrigin(event.url, allowedOrigin)) return;
    event.preventDefault();
    logger.warn({ url: event.url, kind }, 'navigation away from the app refused');
  };
  contents.on('will-navigate', (event) => refuseForeign(event, 'will-navigate'));
  contents.on('will-redirect', (event) => refuseForeign(event, 'will-redirect'));

  contents.setWindowOpenHandler(({ url }) => {
    if (isHttpsUrl(url)) {
      shell
        .openExternal(url)
        .catch((error: unknown) => logger.warn({ err: error, url }, 'could not open link in the browser'));
    } else {
      logger.warn({ url }, 'window.open refused');
    }
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn({}, '<webview> refused');
  });
}

/**
 * Applies `guardWebContents` to every webContents the app ever creates (our window's, and any other
 * that a bug or a future feature might create), so that no webContents escapes the guard.
 */
export function guardEveryWebContents(app: App, allowedOrigin: string, logger: Logger): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, allowedOrigin, logger));
}

export function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
