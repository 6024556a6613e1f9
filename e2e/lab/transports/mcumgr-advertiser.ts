import { Bonjour, type Service } from 'bonjour-service';

/** The TXT record Fieldline's discovery reads (protocols.md §1 "UDP transport", §8). */
export interface McumgrTxt {
  serial: string;
  model: string;
  fw: string;
}

export interface McumgrAdvertisement {
  /** DNS-SD instance name; also the host name (`<name>.local`), as Avahi needs one to resolve. */
  name: string;
  port: number;
  txt: McumgrTxt;
}

/**
 * Advertises a lab device's SMP-over-UDP endpoint as `_mcumgr._udp` with TXT `serial`, `model`, `fw`
 * through bonjour-service (protocols.md §8). This sends multicast on every interface, so the lab does it
 * only when asked (`--advertise`, scenario `advertise: true`), and tests do it inside a private network
 * namespace. `withdraw()` sends a goodbye (the device was unplugged); `publish()` announces it again.
 */
export class McumgrAdvertiser {
  readonly #bonjour: Bonjour;
  #advertisement: McumgrAdvertisement;
  #service: Service | undefined;

  private constructor(advertisement: McumgrAdvertisement, onError: (error: unknown) => void) {
    this.#advertisement = advertisement;
    this.#bonjour = new Bonjour({}, onError);
  }

  static start(advertisement: McumgrAdvertisement, onError: (error: unknown) => void): McumgrAdvertiser {
    const advertiser = new McumgrAdvertiser(advertisement, onError);
    advertiser.publish();
    return advertiser;
  }

  get txt(): McumgrTxt {
    return { ...this.#advertisement.txt };
  }

  publish(): void {
    if (this.#service) return;
    const { name, port, txt } = this.#advertisement;
    this.#service = this.#bonjour.publish({
      name,
      type: 'mcumgr',
      protocol: 'udp',
      port,
      host: `${name}.local`,
      txt: { ...txt },
    });
  }

  /** Sends a goodbye for the service (TTL 0), so browsers drop it now rather than at expiry. */
  async withdraw(): Promise<void> {
    const service = this.#service;
    this.#service = undefined;
    if (!service) return;
    // bonjour-service types `stop` as CallableFunction; it takes a completion callback.
    const stop = service.stop as (done: () => void) => void;
    await new Promise<void>((resolve) => stop(resolve));
  }

  /** New TXT values (the firmware changed at a swap): a goodbye, then the service with the new record. */
  async update(txt: McumgrTxt): Promise<void> {
    const current = this.#advertisement.txt;
    if (current.serial === txt.serial && current.model === txt.model && current.fw === txt.fw) return;
    this.#advertisement = { ...this.#advertisement, txt: { ...txt } };
    const wasPublished = this.#service !== undefined;
    await this.withdraw();
    if (wasPublished) this.publish();
  }

  async stop(): Promise<void> {
    await this.withdraw();
    await new Promise<void>((resolve) => this.#bonjour.destroy(() => resolve()));
  }
}
