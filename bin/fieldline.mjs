#!/usr/bin/env node
// The `fieldline` command. It runs the checkout's TypeScript directly through tsx, so `npx fieldline`
// works right after `npm ci` with no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/host/cli/run-cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
