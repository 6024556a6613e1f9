import { AppError } from '../../../shared/errors';
import { rowForDevice, type DeviceTable } from './device-table';
import type { AllocatorDefinition, RecipeDocument } from './recipe-schema';
import { isSecretVariable } from './secret-values';
import type { SiteValues } from './site-values';
import type { Allocation } from './value-allocator';
import { valueText, VariableValidator, type VariableValue } from './variable-validator';

/** Where a variable's value came from, in the order they are asked. */
export type VariableSource = 'technician' | 'device-table' | 'allocator' | 'site' | 'default';

export interface ResolvedVariable {
  name: string;
  value: VariableValue;
  /** What a setting gets. */
  text: string;
  source: VariableSource;
  isSecret: boolean;
  /** For `allocator`: the counter and whether the ledger holds it already. */
  allocation?: Allocation;
}

export interface VariableInputs {
  /** `--set name=value` or the UI's fields. */
  technician: Readonly<Record<string, string>>;
  deviceTable: DeviceTable | null;
  site: SiteValues | null;
}

export interface DeviceKeys {
  deviceId: string;
  serial: string;
  hardwareId: string;
}

/** The allocator's read side: plan peeks, apply allocates and records. */
export type AllocationSource = (variable: string, definition: AllocatorDefinition) => Allocation;

/**
 * Gives every declared variable a value: the technician's input first, then the device's CSV row, then
 * an allocator, then the site file, then the variable's default. Each value is checked against its JSON
 * Schema; a missing or wrong value is RECIPE_VALUE_INVALID naming the variable and its source, never
 * the value itself (it may be a secret).
 */
export function resolveVariables(
  recipe: RecipeDocument,
  device: DeviceKeys,
  inputs: VariableInputs,
  allocate: AllocationSource,
): Map<string, ResolvedVariable> {
  const declared = recipe.variables;
  for (const name of Object.keys(inputs.technician)) {
    if (!Object.hasOwn(declared, name))
      throw new AppError('RECIPE_VALUE_INVALID', `--set ${name}: the recipe ${recipe.name} has no such variable`, {
        details: { variable: name, source: 'technician' },
      });
  }
  for (const name of Object.keys(inputs.site?.values ?? {})) {
    if (!Object.hasOwn(declared, name))
      throw new AppError('RECIPE_VALUE_INVALID', `${inputs.site!.path}, ${name}: the recipe ${recipe.name} has no such variable`, {
        details: { variable: name, source: 'site', file: inputs.site!.path },
      });
  }
  const row = inputs.deviceTable === null ? null : rowForDevice(inputs.deviceTable, device);
  const validator = new VariableValidator(declared);
  const resolved = new Map<string, ResolvedVariable>();
  for (const [name, schema] of Object.entries(declared)) {
    const found = findValue(name);
    if (found === null)
      throw new AppError(
        'RECIPE_VALUE_INVALID',
        `variable ${name} has no value: give it with --set ${name}=…, ${inputs.deviceTable === null ? 'a device table' : `a "${name}" cell in ${inputs.deviceTable.path}`}, an allocator or the site file`,
        { details: { variable: name } },
      );
    const checked = validator.check(name, found.value);
    if (!checked.ok)
      throw new AppError('RECIPE_VALUE_INVALID', `variable ${name} (from ${describe(found.source)}) ${checked.problem}`, {
        details: { variable: name, source: found.source },
      });
    resolved.set(name, {
      name,
      value: checked.value,
      text: valueText(checked.value),
      source: found.source,
      isSecret: isSecretVariable(schema),
      ...(found.allocation === undefined ? {} : { allocation: found.allocation }),
    });
  }
  return resolved;

  function findValue(name: string): { value: VariableValue; source: VariableSource; allocation?: Allocation } | null {
    const technician = inputs.technician[name];
    if (technician !== undefined) return { value: technician, source: 'technician' };
    const cell = row?.values[name];
    if (cell !== undefined) return { value: cell, source: 'device-table' };
    const allocator = recipe.allocators[name];
    if (allocator !== undefined) {
      const allocation = allocate(name, allocator);
      return { value: allocation.value, source: 'allocator', allocation };
    }
    const site = inputs.site?.values[name];
    if (site !== undefined) return { value: site, source: 'site' };
    const fallback = declared[name]?.default;
    return fallback === undefined ? null : { value: fallback, source: 'default' };
  }

  function describe(source: VariableSource): string {
    if (source === 'device-table') return `${inputs.deviceTable?.path} line ${row?.line}`;
    if (source === 'site') return inputs.site?.path ?? 'the site file';
    if (source === 'technician') return '--set';
    return source;
  }
}
