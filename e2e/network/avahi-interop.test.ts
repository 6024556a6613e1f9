import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WITH_AVAHI = fileURLToPath(new URL('../support/with-avahi.sh', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Avahi needs real root (it chowns its runtime folder) and Debian's avahi-daemon, avahi-utils and dbus. */
const missing = [
  process.getuid?.() === 0 ? null : 'not running as root',
  ...['/usr/sbin/avahi-daemon', '/usr/bin/avahi-publish', '/usr/bin/avahi-browse', '/usr/bin/dbus-daemon'].map((path) =>
    existsSync(path) ? null : `${path} missing`,
  ),
].filter((reason): reason is string => reason !== null);
const skipReason = missing.length > 0 ? ` (skipped: ${missing.join(', ')}; CI installs avahi-daemon and avahi-utils)` : '';

function withAvahi(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(WITH_AVAHI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastJsonLine = (text: string): unknown => JSON.parse(text.trim().split('\n').filter((line) => line.startsWith('{')).at(-1) ?? 'null');

describe('mDNS interoperability with Avahi, inside a private network namespace', () => {
  it.skipIf(missing.length > 0)(`discovers a service published with avahi-publish${skipReason}`, async () => {
    const script = `avahi-publish -s avahi-device _mcumgr._udp 1460 serial=FL-AVAHI-1 model=avahi-model fw=4.2.0 & pub=$!;
      node --import tsx ${fixture('avahi-discover.fixture.ts')}; status=$?; kill $pub; wait $pub 2>/dev/null; exit $status`;
    const result = await withAvahi(['sh', '-c', script]);
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      devices: [{ id: 'serial:FL-AVAHI-1', model: 'avahi-model', firmwareVersion: '4.2.0', sightings: [{ transport: 'network', address: '127.0.0.1:1460' }] }],
    });
  });

  it.skipIf(missing.length > 0)(`has the lab's advertisement resolved by avahi-browse${skipReason}`, async () => {
    const result = await withAvahi(['node', '--import', 'tsx', fixture('avahi-resolve.fixture.ts')]);
    expect(result.code).toBe(0);
    const { resolved } = lastJsonLine(result.stdout) as { resolved: string[] };
    expect(resolved).toHaveLength(1);
    // =;interface;protocol;name;type;domain;host;address;port;txt
    const fields = resolved[0]?.split(';') ?? [];
    expect(fields.slice(3, 5)).toEqual(['fieldline-lab-avahi', '_mcumgr._udp']);
    expect(fields[6]).toBe('fieldline-lab-avahi.local');
    expect(fields[7]).toBe('192.0.2.10'); // the namespace's veth interface (with-avahi.sh)
    expect(fields[8]).toBe('1470');
    expect(fields[9]).toContain('"serial=FL-LAB-AV"');
    expect(fields[9]).toContain('"fw=1.4.2"');
  });
});
