import { CONTENT_SECURITY_POLICY } from '../../shared/security/content-security-policy';

export { CONTENT_SECURITY_POLICY };

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
