// Runs inside with-avahi.sh next to a service published with avahi-publish: discovers it with
// Fieldline's mDNS adapter and registry and prints the device as one JSON line.
import { BonjourMdnsBrowser } from '../../main/adapters/mdns/bonjour-mdns-browser';
import { DeviceRegistry } from '../../main/core/discovery/device-registry';
import { discoverOverMdns } from '../../main/core/discovery/mdns-discovery';
import { systemClock } from '../../main/core/ports/clock';
import { silentLogger } from '../../main/core/ports/logger';

const registry = new DeviceRegistry(systemClock, 0);
const browser = new BonjourMdnsBrowser((error) => console.error(String(error)));
const discovery = discoverOverMdns(browser, registry, silentLogger);
const deadline = Date.now() + 8_000;
while (registry.list().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ devices: registry.list() }));
discovery.dispose();
await browser.close();
