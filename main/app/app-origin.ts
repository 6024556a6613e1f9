/**
 * The renderer is served from a custom `app://` scheme rather than `file://` (see renderer-protocol.ts
 * for why). Its origin is what every check compares against: IPC senders, navigation, CSP 'self'.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'fieldline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * `scheme://host[:port]` of a URL, lower-cased; `undefined` when it does not parse.
 * Node's `URL.origin` is "null" for non-special schemes such as `app:`, so it is rebuilt by hand.
 */
export function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

export function isSameOrigin(url: string, allowedOrigin: string): boolean {
  return originOf(url) === allowedOrigin.toLowerCase();
}
