import { AppError } from '../../../../shared/errors';
import type { DatagramNetwork } from '../../ports/datagram';
import type { SerialPorts } from '../../ports/serial-port';
import { SerialSmpTransport } from './serial-smp-transport';
import type { SmpTransport } from './smp-transport';
import { UdpSmpTransport } from './udp-smp-transport';

/** Where an SMP device can be reached: a serial port with console framing, or a UDP address (protocols.md §1). */
export type SmpEndpoint =
  { kind: 'serial'; path: string; baudRate: number } | { kind: 'udp'; address: string; port: number };

/** The ports a flash needs to reach a device; a transport left out cannot be used. */
export interface SmpLinkPorts {
  serialPorts?: SerialPorts;
  datagrams?: DatagramNetwork;
}

/** One open link to a device: the transport the SMP client speaks over, and how to let go of it. */
export interface SmpLink {
  endpoint: SmpEndpoint;
  transport: SmpTransport;
  close(): Promise<void>;
}

/** Zephyr's console UART default; a pseudo-terminal ignores it. */
export const SMP_SERIAL_DEFAULT_BAUD = 115_200;

/** `serial:/dev/ttyACM0` or `udp:10.0.0.7:1337`: the same text the transports use in logs. */
export function describeSmpEndpoint(endpoint: SmpEndpoint): string {
  return endpoint.kind === 'serial' ? `serial:${endpoint.path}` : `udp:${endpoint.address}:${endpoint.port}`;
}

/**
 * Opens a link to an endpoint. Serial ports are opened exclusively, so a probe by discovery that holds
 * the port for a moment makes this fail with TRANSPORT_CLOSED; callers that wait for a device retry.
 */
export async function openSmpLink(
  ports: SmpLinkPorts,
  endpoint: SmpEndpoint,
  signal?: AbortSignal,
): Promise<SmpLink> {
  if (endpoint.kind === 'serial') {
    if (!ports.serialPorts)
      throw new AppError('NOT_IMPLEMENTED', 'this station has no serial ports to flash over');
    const port = await ports.serialPorts.open(endpoint.path, { baudRate: endpoint.baudRate }, signal);
    return { endpoint, transport: new SerialSmpTransport(port), close: () => port.close() };
  }
  if (!ports.datagrams)
    throw new AppError('NOT_IMPLEMENTED', 'this station has no UDP network to flash over');
  // Loopback devices (the lab) are answered from loopback; anything else from every interface.
  const isLoopback = endpoint.address.startsWith('127.');
  const socket = await ports.datagrams.bind({ address: isLoopback ? '127.0.0.1' : '0.0.0.0' }, signal);
  return {
    endpoint,
    transport: new UdpSmpTransport(socket, { address: endpoint.address, port: endpoint.port }),
    close: () => socket.close(),
  };
}
