/**
 * The one Content-Security-Policy of every page Fieldline shows. Scripts come only from our own
 * origin, never inline and never from `eval` (no 'unsafe-eval'). Styles allow 'unsafe-inline'
 * because Mantine injects <style> elements and style attributes at run time; a style cannot run code.
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

type ResponseHeaders = Record<string, string[] | string>;

/**
 * Adds our policy to response headers. Policies a server already sent are kept beside ours: the
 * browser enforces every policy it receives, so an extra one can only tighten, never loosen.
 */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const policies: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (name.toLowerCase() === 'content-security-policy') policies.push(...values);
    else result[name] = values;
  }
  result['Content-Security-Policy'] = [...policies, CONTENT_SECURITY_POLICY];
  return result;
}
