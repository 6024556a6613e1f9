import { config } from 'zod';

/**
 * The preload runs under our CSP, which forbids eval. Unless told `jitless`, zod probes
 * `new Function` when a schema is created, and Chromium reports that probe as a CSP violation even
 * though zod catches it. preload.ts imports this module first, before any schema exists.
 */
config({ jitless: true });
