import { toAppError } from '../../../shared/errors';
import { SmpClient } from '../drivers/smp/smp-client';
import { UdpSmpTransport } from '../drivers/smp/udp-smp-transport';
import type { DatagramEndpoint, DatagramNetwork } from '../ports/datagram';
import { silentLogger } from '../ports/logger';
import { probeSmpDevice, type SmpProbeFindings, type SmpProbeOptions } from './smp-device-probe';

export interface UdpProbeOptions extends SmpProbeOptions {
  /** How long each request waits; a network round trip may be slower than a serial line. */
  requestTimeoutMs?: number;
  /** Local address to send from; every IPv4 interface by default. */
  bindAddress?: string;
}

export type UdpProbeOutcome =
  { kind: 'answered'; findings: SmpProbeFindings } | { kind: 'unidentified'; reason: string };

/**
 * Asks an SMP-over-UDP device (protocols.md §1, "UDP transport") who it is, with the same questions as
 * the serial probe, from a socket of its own that is closed afterwards whatever happens.
 */
export async function probeSmpOverUdp(
  network: DatagramNetwork,
  device: DatagramEndpoint,
  options: UdpProbeOptions = {},
  signal?: AbortSignal,
): Promise<UdpProbeOutcome> {
  let socket;
  try {
    socket = await network.bind({ address: options.bindAddress ?? '0.0.0.0' }, signal);
  } catch (error: unknown) {
    return { kind: 'unidentified', reason: `cannot bind a UDP socket: ${toAppError(error).message}` };
  }
  const client = new SmpClient(new UdpSmpTransport(socket, device), {
    timeoutMs: options.requestTimeoutMs ?? 500,
    logger: silentLogger,
  });
  try {
    return { kind: 'answered', findings: await probeSmpDevice(client, options, signal) };
  } catch (error: unknown) {
    return { kind: 'unidentified', reason: toAppError(error).message };
  } finally {
    client.dispose();
    await socket.close().catch(() => undefined);
  }
}

/** Reads `host:port` or `[v6]:port` as the mDNS mapping writes network addresses (mcumgr-mdns.ts). */
export function parseNetworkAddress(address: string): DatagramEndpoint | null {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { address: host, port };
}
