#!/usr/bin/env node
// `npm run station`: the headless host serving the built renderer and the contract over WebSocket.
import { register } from 'tsx/esm/api';

register();
const { runStation } = await import('../main/host/station-main.ts');
process.exitCode = await runStation(process.argv.slice(2));
