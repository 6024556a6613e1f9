// Runs inside a private network namespace (see mdns-discovery.test.ts): publishes `_mcumgr._udp`
// services with one mDNS stack, discovers them with Fieldline's adapter and registry on another, then
// withdraws the good one. Prints one JSON line per milestone.
import { Bonjour } from 'bonjour-service';
import { BonjourMdnsBrowser } from '../../main/adapters/mdns/bonjour-mdns-browser';
import { DeviceRegistry } from '../../main/core/discovery/device-registry';
import { discoverOverMdns } from '../../main/core/discovery/mdns-discovery';
import { systemClock } from '../../main/core/ports/clock';
import type { Logger } from '../../main/core/ports/logger';

const warnings: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields) => warnings.push(String(fields.reason)),
  error: () => undefined,
  child: () => logger,
};

async function waitFor<T>(read: () => T | undefined, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; warnings: ${warnings.join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const registry = new DeviceRegistry(systemClock, 0);
const browser = new BonjourMdnsBrowser();
const discovery = discoverOverMdns(browser, registry, logger);
const publisher = new Bonjour();
const started = Date.now();
publisher.publish({ name: 'lab-bad', type: 'mcumgr', protocol: 'udp', port: 1338, txt: { model: 'no-serial' } });
const good = publisher.publish({ name: 'lab-good', type: 'mcumgr', protocol: 'udp', port: 1337, txt: { serial: 'FL-0042', model: 'nrf52840-dk', fw: '1.4.2' } });

const device = await waitFor(() => registry.list()[0]);
console.log(JSON.stringify({ milestone: 'up', elapsedMs: Date.now() - started, device }));
await waitFor(() => (warnings.length > 0 ? true : undefined));
console.log(JSON.stringify({ milestone: 'refused', warnings }));
// bonjour-service types `stop` as CallableFunction; it takes a completion callback and sends a goodbye.
const stopGood = good.stop as (done: () => void) => void;
await new Promise<void>((resolve) => stopGood(resolve));
await waitFor(() => {
  registry.expire();
  return registry.list().length === 0 ? true : undefined;
});
console.log(JSON.stringify({ milestone: 'down', elapsedMs: Date.now() - started }));
discovery.dispose();
await browser.close();
await new Promise<void>((resolve) => publisher.destroy(() => resolve()));
