import { setTimeout as sleep } from 'node:timers/promises';
import type { DatagramEndpoint, DatagramSocket } from '../../../main/core/ports/datagram';
import type { SmpLabDevice } from '../devices/smp/smp-lab-device';
import { corruptDatagram } from '../faults/link-fault-injector';
import { NodeDatagramNetwork } from '../../../main/adapters/udp/node-datagram-network';

export interface UdpSmpLinkOptions {
  /** Address to listen on; 127.0.0.1 keeps the lab on loopback. */
  address?: string;
  /** 0 (default) lets the operating system choose; SMP's default is 1337 (protocols.md §1). */
  port?: number;
  /** Extra round-trip time, half each way (quality.md: "loopback with 5 ms added round trip"). */
  addedRoundTripMs?: number;
}

/**
 * Serves a lab SMP device over UDP (protocols.md §1, "UDP transport"): one raw SMP packet per datagram,
 * answers go back to the sender. Datagrams over buf_size are dropped by the device. The device's packet
 * faults (drop, duplicate, corrupt; fault-plan.ts) are applied to datagrams both ways.
 */
export class UdpSmpLink {
  readonly #socket: DatagramSocket;

  private constructor(socket: DatagramSocket) {
    this.#socket = socket;
  }

  static async start(device: SmpLabDevice, options: UdpSmpLinkOptions = {}): Promise<UdpSmpLink> {
    const socket = await new NodeDatagramNetwork().bind({
      address: options.address ?? '127.0.0.1',
      port: options.port ?? 0,
    });
    const halfTripMs = (options.addedRoundTripMs ?? 0) / 2;
    const delay = (action: () => void): void => {
      if (halfTripMs <= 0) action();
      else void sleep(halfTripMs).then(action);
    };
    const faults = device.linkFaults;
    const send = (bytes: Uint8Array, to: DatagramEndpoint): void =>
      delay(() => void socket.send(bytes, to).catch(() => undefined));
    socket.onMessage((bytes, from) => {
      const packet = new Uint8Array(bytes);
      const reply = (response: Uint8Array): void => {
        const verdict = faults.decide('from-device', response);
        if (verdict.kind === 'drop') return;
        send(verdict.kind === 'corrupt' ? corruptDatagram(response) : response, from);
        if (verdict.kind === 'duplicate') send(response, from);
      };
      const verdict = faults.decide('to-device', packet);
      if (verdict.kind === 'drop') return;
      const arriving = verdict.kind === 'corrupt' ? corruptDatagram(packet) : packet;
      delay(() => device.receive(arriving, reply));
      if (verdict.kind === 'duplicate') delay(() => device.receive(new Uint8Array(packet), reply));
    });
    return new UdpSmpLink(socket);
  }

  get endpoint(): DatagramEndpoint {
    return this.#socket.local;
  }

  async stop(): Promise<void> {
    await this.#socket.close();
  }
}
