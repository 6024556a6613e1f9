import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { catalogDocumentSchema } from '../../../shared/contract/catalog';
import type { CachedCatalog, CatalogCache } from '../../core/ports/fleet-client';
import type { Logger } from '../../core/ports/logger';

const cachedCatalogSchema = z.object({ etag: z.string().nullable(), checkedAt: z.string(), catalog: catalogDocumentSchema });

/**
 * `<dataDir>/fleet/catalog.json`. A damaged copy is reported and treated as absent: the next sync fetches
 * the whole catalog again, which is exactly what a missing copy costs. Writes go through a temporary file
 * and a rename, so a crash leaves the old copy or the new one.
 */
export class CatalogCacheFile implements CatalogCache {
  readonly #path: string;
  readonly #logger: Logger;

  constructor(dataDir: string, logger: Logger) {
    this.#path = join(dataDir, 'fleet', 'catalog.json');
    this.#logger = logger;
  }

  read(): CachedCatalog | null {
    if (!existsSync(this.#path)) return null;
    try {
      const parsed = cachedCatalogSchema.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')));
      if (parsed.success) return parsed.data;
      this.#logger.warn({ path: this.#path, issues: parsed.error.issues.length }, 'catalog copy is malformed; it will be fetched again');
    } catch (error: unknown) {
      this.#logger.warn({ path: this.#path, err: error }, 'catalog copy is unreadable; it will be fetched again');
    }
    return null;
  }

  write(cached: CachedCatalog): void {
    mkdirSync(join(this.#path, '..'), { recursive: true, mode: 0o700 });
    const temporary = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(cached)}\n`, { mode: 0o600, flush: true });
    renameSync(temporary, this.#path);
  }
}
