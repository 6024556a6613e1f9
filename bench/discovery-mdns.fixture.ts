// Runs inside a private network namespace (bench/discovery.bench.ts starts it through
// e2e/support/private-network.ts): a station core browsing mDNS as the runtime does, and a publisher
// on another mDNS stack. Each trial publishes a new `_mcumgr._udp` service and times publish →
// `devices:changed`. Prints one JSON line: {"latenciesMs": [...]}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bonjour } from 'bonjour-service';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { BonjourMdnsBrowser } from '../main/adapters/mdns/bonjour-mdns-browser';
import { createCore } from '../main/core/create-core';
import { discoverOverMdns } from '../main/core/discovery/mdns-discovery';
import { systemClock } from '../main/core/ports/clock';
import { silentLogger } from '../main/core/ports/logger';

const trials = Number(process.argv[2] ?? 5);
const folder = mkdtempSync(join(tmpdir(), 'fieldline-bench-mdns-'));
const store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
const core = createCore(
  { ledgerStore: store, clock: systemClock, logger: silentLogger },
  { host: 'station', version: 'bench', dataDir: folder, platform: process.platform },
);
const browser = new BonjourMdnsBrowser();
const discovery = discoverOverMdns(browser, core.registry, silentLogger);
const publisher = new Bonjour();
const latenciesMs: number[] = [];
await new Promise((resolve) => setTimeout(resolve, 500));
for (let trial = 0; trial < trials; trial += 1) {
  const serial = `BENCH-MDNS-${trial}`;
  const listed = new Promise<number>((resolve) => {
    const subscription = core.events.onEvent((name, payload) => {
      const upserted =
        name === 'devices:changed' ? (payload as { upserted: { serial: string | null }[] }).upserted : [];
      if (upserted.some((device) => device.serial === serial)) {
        subscription.dispose();
        resolve(performance.now());
      }
    });
  });
  const publishedAt = performance.now();
  const service = publisher.publish({
    name: `bench-${trial}`,
    type: 'mcumgr',
    protocol: 'udp',
    port: 1337 + trial,
    txt: { serial, model: 'bench' },
  });
  latenciesMs.push((await listed) - publishedAt);
  const stop = service.stop as (done: () => void) => void;
  await new Promise<void>((resolve) => stop(resolve));
}
process.stdout.write(`${JSON.stringify({ latenciesMs })}\n`);
discovery.dispose();
await browser.close();
await new Promise<void>((resolve) => publisher.destroy(() => resolve()));
store.close();
rmSync(folder, { recursive: true, force: true });
