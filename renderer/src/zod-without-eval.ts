import { config } from 'zod';

/**
 * The renderer runs under a CSP without 'unsafe-eval'. Unless told `jitless`, zod probes
 * `new Function`, which Chromium reports as a CSP violation even though zod catches it. main.tsx
 * imports this module first, before any contract schema is created.
 */
config({ jitless: true });
