import type { Disposable } from '../event-bus';
import type { DatagramNetwork } from '../ports/datagram';
import type { Logger } from '../ports/logger';
import type { DeviceRegistry, LiveDevice } from './device-registry';
import type { SightingReport } from './sighting-report';
import { parseNetworkAddress, probeSmpOverUdp, type UdpProbeOptions } from './udp-sighting-probe';

/**
 * Completes network sightings over SMP: an mDNS TXT record names only a serial number, so each new
 * SMP network address is asked once for its identity, firmware and model over UDP, and the answer is
 * reported at the same address (replacing the TXT-only sighting). That records the hardware id
 * (`device.identified`) and links the device to its serial and USB sightings even when the TXT serial
 * is missing or differs. A device that does not answer keeps its TXT sighting; the reason is logged.
 */
export class NetworkSightingProber {
  readonly #registry: DeviceRegistry;
  readonly #network: DatagramNetwork;
  readonly #logger: Logger;
  readonly #options: UdpProbeOptions;
  /** Addresses probed (or being probed), with the device they belonged to, so each is asked once per appearance. */
  readonly #probed = new Map<string, string>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stop = new AbortController();
  #subscription: Disposable | undefined;

  constructor(
    registry: DeviceRegistry,
    network: DatagramNetwork,
    logger: Logger,
    options: UdpProbeOptions = {},
  ) {
    this.#registry = registry;
    this.#network = network;
    this.#logger = logger;
    this.#options = options;
  }

  start(): void {
    this.#subscription ??= this.#registry.onChanged(({ upserted, removedIds }) => {
      // Upserts first: when two entries merge, the address moves to the surviving id before the other is forgotten.
      for (const device of upserted) this.#consider(device);
      for (const id of removedIds) this.#forgetDevice(id, new Set());
    });
  }

  /** Stops listening, cancels probes in flight and waits until their sockets are closed. */
  async stop(): Promise<void> {
    this.#subscription?.dispose();
    this.#stop.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  #consider(device: LiveDevice): void {
    const addresses = device.sightings
      .filter((s) => s.transport === 'network' && s.protocol === 'smp')
      .map((s) => s.address);
    // A sighting that expired may come back later (a reboot): then it is asked again.
    this.#forgetDevice(device.id, new Set(addresses));
    for (const address of addresses) {
      const isProbed = this.#probed.has(address);
      this.#probed.set(address, device.id);
      if (this.#stop.signal.aborted || isProbed) continue;
      const probe = this.#probe(address, device).finally(() => this.#inFlight.delete(probe));
      this.#inFlight.add(probe);
    }
  }

  async #probe(address: string, device: LiveDevice): Promise<void> {
    const endpoint = parseNetworkAddress(address);
    if (endpoint === null) {
      this.#logger.warn({ address }, 'network sighting has an address SMP cannot be sent to');
      return;
    }
    const outcome = await probeSmpOverUdp(this.#network, endpoint, this.#options, this.#stop.signal);
    if (this.#stop.signal.aborted || this.#probed.get(address) === undefined) return;
    if (outcome.kind === 'unidentified') {
      this.#logger.warn(
        { address, deviceId: device.id, reason: outcome.reason },
        'network device did not answer the SMP probe; keeping its mDNS sighting',
      );
      return;
    }
    const { findings } = outcome;
    const report: SightingReport = { transport: 'network', address, identifiers: {}, protocol: 'smp' };
    const hardwareId = findings.hardwareId ?? device.hardwareId ?? undefined;
    const serial = findings.serial ?? device.serial ?? undefined;
    const model = findings.model ?? device.model ?? undefined;
    const firmwareVersion = findings.firmwareVersion ?? device.firmwareVersion ?? undefined;
    if (hardwareId !== undefined) report.identifiers.hardwareId = hardwareId;
    if (serial !== undefined) report.identifiers.serial = serial;
    if (model !== undefined) report.model = model;
    if (firmwareVersion !== undefined) report.firmwareVersion = firmwareVersion;
    const deviceId = this.#registry.report(report);
    this.#logger.info(
      { address, deviceId, skipped: findings.skippedSteps },
      'network device identified over SMP',
    );
  }

  #forgetDevice(deviceId: string, keep: ReadonlySet<string>): void {
    for (const [address, owner] of this.#probed)
      if (owner === deviceId && !keep.has(address)) this.#probed.delete(address);
  }
}
