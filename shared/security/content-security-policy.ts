/**
 * The one Content-Security-Policy of every page Fieldline shows, in the Electron window and from the
 * headless station alike. Scripts come only from our own origin, never inline and never from `eval`
 * (no 'unsafe-eval'). Styles allow 'unsafe-inline' because Mantine injects <style> elements and style
 * attributes at run time; a style cannot run code. `connect-src 'self'` covers the station's WebSocket
 * on the same origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');
