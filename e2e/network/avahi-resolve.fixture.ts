// Runs inside with-avahi.sh: advertises a lab device the way `npm run lab -- --advertise` does, then
// asks Avahi's own resolver (avahi-browse) for it and prints what Avahi resolved.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { McumgrAdvertiser } from '../lab/transports/mcumgr-advertiser';

const advertiser = McumgrAdvertiser.start(
  { name: 'fieldline-lab-avahi', port: 1470, txt: { serial: 'FL-LAB-AV', model: 'lab-smp', fw: '1.4.2' } },
  (error) => console.error(String(error)),
);
await new Promise((resolve) => setTimeout(resolve, 1_000));
const { stdout } = await promisify(execFile)('avahi-browse', ['--resolve', '--terminate', '--parsable', '_mcumgr._udp'], { timeout: 8_000 });
console.log(JSON.stringify({ resolved: stdout.split('\n').filter((line) => line.startsWith('=')) }));
await advertiser.stop();
