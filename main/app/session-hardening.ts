import type { Session } from 'electron';
import type { Logger } from '../core/ports/logger';
import { APP_ORIGIN, isSameOrigin } from './app-origin';
import { withContentSecurityPolicy } from './content-security-policy';

/** Chromium's name for `navigator.clipboard.writeText`: what the copy buttons (serials, hashes) use. */
const CLIPBOARD_WRITE = 'clipboard-sanitized-write';

/** The one permission the UI uses, and only for our own pages: writing text to the clipboard. */
function isAllowed(permission: string, requestingUrlOrOrigin: string): boolean {
  return permission === CLIPBOARD_WRITE && isSameOrigin(requestingUrlOrOrigin, APP_ORIGIN);
}

/**
 * Locks down a session (Electron security checklist, items 5 and 7):
 * - every permission request and permission check is answered "no" (camera, notifications,
 *   geolocation, clipboard reads, …): the core talks to devices itself. The one exception is writing
 *   to the clipboard, for the copy buttons, and only from our own origin (`app://fieldline`);
 * - WebUSB/WebSerial/WebHID device access is refused for the same reason;
 * - every http(s) response gets our CSP. Our own pages come over `app://`, whose responses carry
 *   the CSP themselves because webRequest's header hooks do not run for custom protocols
 *   (electron/electron#6021); this hook covers anything else that ever loads in the session.
 */
export function applySessionHardening(session: Session, logger: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const isGranted = isAllowed(permission, details.requestingUrl);
    if (!isGranted) logger.info({ permission, url: details.requestingUrl }, 'permission request denied');
    callback(isGranted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}
