import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { recipeSchema } from './recipe-schema';
import { resolveVariables, type AllocationSource, type VariableInputs } from './resolve-variables';

const recipe = recipeSchema.parse({
  name: 'r',
  version: '1.0.0',
  match: { model: ['m'] },
  bundle: { path: 'b.fwb' },
  certificate: {},
  variables: {
    hostname: { type: 'string', format: 'hostname' },
    site: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 1883 },
    isDebug: { type: 'boolean', default: false },
    psk: { type: 'string', format: 'password', minLength: 8 },
  },
  allocators: { hostname: { pattern: 'gw-{counter:03}', start: 7 } },
  settings: {},
});
const device = { deviceId: 'hwid:ab', serial: 'SN1', hardwareId: 'ab' };
const peek: AllocationSource = (_variable, definition) => ({ pattern: definition.pattern, counter: 7, value: 'gw-007', isRecorded: false });
const inputs = (overrides: Partial<VariableInputs> = {}): VariableInputs => ({
  technician: { psk: 'correct horse' },
  deviceTable: null,
  site: { path: '/site.yaml', sha256: '0'.repeat(64), values: { site: 'Berlin-1', hostname: 'from-site' } },
  ...overrides,
});

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('accepted');
}

describe('resolveVariables', () => {
  it('takes technician, then device table, then allocator, then site, then default; coerces text to the declared type', () => {
    const resolved = resolveVariables(recipe, device, inputs(), peek);
    expect(resolved.get('hostname')).toMatchObject({ value: 'gw-007', source: 'allocator', allocation: { counter: 7 } });
    expect(resolved.get('site')).toMatchObject({ value: 'Berlin-1', source: 'site' });
    expect(resolved.get('port')).toMatchObject({ value: 1883, text: '1883', source: 'default' });
    expect(resolved.get('psk')).toMatchObject({ source: 'technician', isSecret: true });

    const table = {
      path: '/d.csv',
      sha256: '1'.repeat(64),
      matchBy: 'serial' as const,
      columns: ['serial', 'hostname', 'port'],
      rows: new Map([['SN1', { line: 2, values: { hostname: 'row-host', port: '8883' } }]]),
    };
    const fromTable = resolveVariables(recipe, device, inputs({ deviceTable: table, technician: { psk: 'correct horse', isDebug: 'true' } }), peek);
    expect(fromTable.get('hostname')).toMatchObject({ value: 'row-host', source: 'device-table' });
    expect(fromTable.get('port')).toMatchObject({ value: 8883, source: 'device-table' });
    expect(fromTable.get('isDebug')).toMatchObject({ value: true, text: 'true', source: 'technician' });
  });

  it('names the variable and source of a value that does not fit, never the value', () => {
    const error = failure(() => resolveVariables(recipe, device, inputs({ technician: { psk: 'short' } }), peek));
    expect(error.code).toBe('RECIPE_VALUE_INVALID');
    expect(error.message).toMatch(/variable psk \(from --set\) must NOT have fewer than 8 characters/);
    expect(error.message).not.toContain('short');
    expect(failure(() => resolveVariables(recipe, device, inputs({ technician: { psk: 'long enough', port: '99999' } }), peek)).message).toMatch(
      /variable port .* must be <= 65535/,
    );
    expect(failure(() => resolveVariables(recipe, device, inputs({ technician: { psk: 'long enough', hostname: 'not a host!' } }), peek)).message).toMatch(
      /variable hostname .*format "hostname"/,
    );
  });

  it('refuses a missing value, an unknown --set and an unknown site key', () => {
    expect(failure(() => resolveVariables(recipe, device, inputs({ technician: {} }), peek)).message).toMatch(/variable psk has no value/);
    expect(failure(() => resolveVariables(recipe, device, inputs({ technician: { psk: 'long enough', colour: 'x' } }), peek)).message).toMatch(
      /--set colour: the recipe r has no such variable/,
    );
    const site = { path: '/s.yaml', sha256: '0'.repeat(64), values: { nope: 1 } };
    expect(failure(() => resolveVariables(recipe, device, inputs({ site }), peek)).message).toMatch(/\/s\.yaml, nope/);
  });
});
