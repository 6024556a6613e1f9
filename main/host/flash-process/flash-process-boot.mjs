// Entry of a flash process (process-flash-executor.ts): registers tsx's loader, then runs the TypeScript
// flash process, so it starts the same under vitest and from `node bin/fieldline.mjs`.
import { register } from 'tsx/esm/api';

register();
await import('./flash-process.ts');
