import { describe, expect, it } from 'vitest';
import { readDataDirFlag } from './data-dir-flag';

describe('readDataDirFlag', () => {
  it('reads --data-dir VALUE and --data-dir=VALUE anywhere in Electron argv', () => {
    expect(readDataDirFlag(['/opt/Fieldline/fieldline', '--no-sandbox', '--data-dir', '/srv/a'])).toBe(
      '/srv/a',
    );
    expect(readDataDirFlag(['electron', '.', '--data-dir=/srv/b'])).toBe('/srv/b');
  });

  it('is undefined when absent or given no value', () => {
    expect(readDataDirFlag(['electron', '.'])).toBeUndefined();
    expect(readDataDirFlag(['electron', '.', '--data-dir'])).toBeUndefined();
  });
});
