import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/errors';
import { makeTempDir } from '../../test-support/temp-dir';
import { readDeviceTable, rowForDevice } from './device-table';

const VARIABLES = new Set(['hostname', 'site']);

describe('device table (CSV)', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function csv(text: string): string {
    const dir = makeTempDir('fieldline-csv-');
    dirs.push(dir);
    const path = join(dir.path, 'devices.csv');
    writeFileSync(path, text);
    return path;
  }

  function refusal(text: string, matchBy: 'serial' | 'hardwareId' = 'serial'): string {
    try {
      readDeviceTable(csv(text), matchBy, VARIABLES);
    } catch (error: unknown) {
      expect((error as AppError).code).toBe('DEVICE_TABLE_INVALID');
      return (error as AppError).message;
    }
    throw new Error('accepted');
  }

  it('finds a device row by serial or hardware id (any case), quoted cells and a BOM included', () => {
    const table = readDeviceTable(csv('\uFEFFserial,hostname,site\nSN-1,gw-a,"Berlin, Hall 3"\nSN-2,gw-b,\n'), 'serial', VARIABLES);
    expect(rowForDevice(table, { serial: 'SN-1', hardwareId: 'x' })).toEqual({ line: 2, values: { hostname: 'gw-a', site: 'Berlin, Hall 3' } });
    expect(rowForDevice(table, { serial: 'SN-2', hardwareId: 'x' }).values).toEqual({ hostname: 'gw-b' });
    expect(table.sha256).toMatch(/^[0-9a-f]{64}$/);
    const byHwid = readDeviceTable(csv('hardwareId,site\nABCDEF01,x\n'), 'hardwareId', VARIABLES);
    expect(rowForDevice(byHwid, { serial: 'n', hardwareId: 'abcdef01' }).line).toBe(2);
  });

  it('names the device when its row is missing', () => {
    const table = readDeviceTable(csv('serial,site\nSN-1,x\n'), 'serial', VARIABLES);
    expect(() => rowForDevice(table, { serial: 'SN-9', hardwareId: 'x' })).toThrow(/no row for serial SN-9/);
  });

  it('refuses duplicate rows naming both lines, a missing key column, an unknown column, a short row, an empty key', () => {
    expect(refusal('serial,site\nSN-1,a\nSN-2,b\nSN-1,c\n')).toMatch(/lines 2 and 4 are both for serial SN-1/);
    expect(refusal('hostname,site\ngw,a\n')).toMatch(/no "serial" column/);
    expect(refusal('serial,colour\nSN-1,red\n')).toMatch(/column "colour" is not a variable/);
    expect(refusal('serial,site,hostname\nSN-1,a\n')).toMatch(/line 2/);
    expect(refusal('serial,site\n,a\n')).toMatch(/line 2: the "serial" cell is empty/);
    expect(refusal('serial,site\n"SN-1,a\n')).toMatch(/line/);
  });
});
