import { z } from 'zod';
import { readBoundedFile } from './recipe-file';
import { VARIABLE_NAME } from './recipe-schema';
import type { VariableValue } from './variable-validator';
import { parseYamlDocument } from './yaml-file';

const MAX_SITE_FILE_BYTES = 256 * 1024;

const siteValuesSchema = z.record(
  z.string().regex(VARIABLE_NAME, 'is a variable name'),
  z.union([z.string().max(4096), z.number(), z.boolean()]),
);

/** Site-wide values: a flat YAML map of variable name → value (the site's NTP server, Wi-Fi name…). */
export interface SiteValues {
  path: string;
  sha256: string;
  values: Record<string, VariableValue>;
}

/** Reads a site file; RECIPE_VALUE_INVALID names the file, the key and the problem. */
export function readSiteValues(path: string): SiteValues {
  const { text, sha256 } = readBoundedFile(path, MAX_SITE_FILE_BYTES, 'RECIPE_VALUE_INVALID', 'the site file');
  const values = parseYamlDocument({ name: path, text, code: 'RECIPE_VALUE_INVALID' }, siteValuesSchema);
  return { path, sha256, values };
}
