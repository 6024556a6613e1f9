import { Ajv, type ValidateFunction } from 'ajv';
import type { VariableSchema } from './recipe-schema';

/** RFC 1123 host name: labels of letters, digits and inner hyphens, ≤ 253 characters. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

export type VariableValue = string | number | boolean;

/**
 * Checks variable values against their JSON Schemas with Ajv. Values from the command line and CSV
 * cells arrive as text, so Ajv coerces them to the declared type ("42" → 42, "true" → true) first.
 */
export class VariableValidator {
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(variables: Readonly<Record<string, VariableSchema>>) {
    const ajv = new Ajv({ strict: true, coerceTypes: true, allErrors: false, keywords: ['x-secret'] });
    ajv.addFormat('hostname', HOSTNAME);
    ajv.addFormat('ipv4', IPV4);
    ajv.addFormat('email', EMAIL);
    ajv.addFormat('uri', { validate: (text: string) => URL.canParse(text) });
    // `password` only marks the value secret; any text is a password.
    ajv.addFormat('password', true);
    for (const [name, schema] of Object.entries(variables)) {
      const { default: _default, description: _description, ...rules } = schema;
      const compiled = ajv.compile({
        type: 'object',
        properties: { value: { ...rules, ...(rules.pattern === undefined ? {} : { pattern: rules.pattern }) } },
        required: ['value'],
      });
      this.#validators.set(name, compiled);
    }
  }

  /** The value in its declared type, or the reason it does not fit (never echoing the value). */
  check(name: string, value: VariableValue): { ok: true; value: VariableValue } | { ok: false; problem: string } {
    const validate = this.#validators.get(name);
    if (validate === undefined) return { ok: false, problem: 'is not a declared variable' };
    const holder = { value };
    if (validate(holder)) return { ok: true, value: holder.value };
    const error = validate.errors?.[0];
    return { ok: false, problem: error?.message ?? 'does not fit its schema' };
  }
}

/** The text a setting gets for a value: numbers in decimal, booleans as `true`/`false`. */
export function valueText(value: VariableValue): string {
  return typeof value === 'string' ? value : String(value);
}
