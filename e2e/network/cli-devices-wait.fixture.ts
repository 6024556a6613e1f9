// Inside a private network namespace: advertises a lab-like SMP device over mDNS and runs
// `fieldline --json devices --wait 2.5` as a real process next to it; prints the CLI's output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Bonjour } from 'bonjour-service';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: cli-devices-wait.fixture.ts <data-dir>');
const bin = fileURLToPath(new URL('../../bin/fieldline.mjs', import.meta.url));
const publisher = new Bonjour();
publisher.publish({ name: 'lab-cli', type: 'mcumgr', protocol: 'udp', port: 1400, txt: { serial: 'FL-CLI-1', model: 'lab-smp', fw: '2.0.0' } });
const { stdout } = await promisify(execFile)(process.execPath, [bin, '--data-dir', dataDir, '--json', 'devices', '--wait', '2.5']);
process.stdout.write(stdout);
await new Promise<void>((resolve) => publisher.destroy(() => resolve()));
