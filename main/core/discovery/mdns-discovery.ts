import type { Disposable } from '../event-bus';
import type { Logger } from '../ports/logger';
import type { MdnsBrowser } from '../ports/mdns-browser';
import type { DeviceRegistry } from './device-registry';
import { MCUMGR_SERVICE, sightingFromMcumgrService } from './mcumgr-mdns';

/**
 * Feeds SMP-over-UDP devices advertised on the local link into the registry. A goodbye (or an expired
 * record) marks the sighting lost; the registry's grace period absorbs a reboot.
 */
export function discoverOverMdns(browser: MdnsBrowser, registry: DeviceRegistry, logger: Logger): Disposable {
  const addresses = new Map<string, string>();
  return browser.browse(MCUMGR_SERVICE, {
    up(service) {
      const sighting = sightingFromMcumgrService(service);
      if (!sighting.ok) {
        logger.warn({ service: service.name.slice(0, 64), reason: sighting.reason }, 'skipped an mDNS service');
        return;
      }
      addresses.set(service.name, sighting.report.address);
      registry.report(sighting.report);
    },
    down(service) {
      const address = addresses.get(service.name);
      if (address === undefined) return;
      addresses.delete(service.name);
      registry.lost('network', address);
    },
  });
}
