import { Bonjour, type Service } from 'bonjour-service';
import type { Disposable } from '../../core/event-bus';
import type { MdnsBrowser, MdnsBrowseListener, MdnsService } from '../../core/ports/mdns-browser';

/** How often to ask the link again, so devices that missed our first query still show up. */
const REQUERY_INTERVAL_MS = 1_000;

/** The mDNS port on bonjour-service (multicast-dns underneath). */
export class BonjourMdnsBrowser implements MdnsBrowser {
  readonly #bonjour: Bonjour;

  constructor(onSocketError: (error: unknown) => void = () => undefined) {
    // Errors of the multicast socket (e.g. no multicast route) are reported, never thrown at the station.
    this.#bonjour = new Bonjour({}, onSocketError);
  }

  browse(serviceType: { type: string; protocol: 'udp' | 'tcp' }, listener: MdnsBrowseListener): Disposable {
    const browser = this.#bonjour.find({ type: serviceType.type, protocol: serviceType.protocol });
    browser.on('up', (service: Service) => listener.up(toMdnsService(service)));
    browser.on('down', (service: Service) => listener.down(toMdnsService(service)));
    browser.on('txt-update', (service: Service) => listener.up(toMdnsService(service)));
    const requery = setInterval(() => browser.update(), REQUERY_INTERVAL_MS);
    requery.unref();
    return {
      dispose: () => {
        clearInterval(requery);
        browser.stop();
      },
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#bonjour.destroy(() => resolve()));
  }
}

function toMdnsService(service: Service): MdnsService {
  return {
    name: String(service.name),
    type: String(service.type),
    protocol: service.protocol === 'tcp' ? 'tcp' : 'udp',
    host: String(service.host),
    port: Number(service.port),
    addresses: Array.isArray(service.addresses) ? service.addresses.map(String) : [],
    refererAddress: typeof service.referer?.address === 'string' ? service.referer.address : null,
    txt: typeof service.txt === 'object' && service.txt !== null ? (service.txt as Record<string, unknown>) : {},
  };
}
