import type { Session } from 'electron';
import type { Logger } from '../core/ports/logger';
import { withContentSecurityPolicy } from './content-security-policy';

/**
 * Locks down a session (Electron security checklist, items 5 and 7):
 * - every permission request and permission check is answered "no" (camera, notifications,
 *   geolocation, clipboard reads, …): the UI needs none, and the core talks to devices itself;
 * - WebUSB/WebSerial/WebHID device access is refused for the same reason;
 * - every http(s) response gets our CSP. Our own pages come over `app://`, whose responses carry
 *   the CSP themselves because webRequest's header hooks do not run for custom protocols
 *   (electron/electron#6021); this hook covers anything else that ever loads in the session.
 */
export function applySessionHardening(session: Session, logger: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    logger.info({ permission, url: details.requestingUrl }, 'permission request denied');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}
