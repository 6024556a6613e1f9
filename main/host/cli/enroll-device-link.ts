import { resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { SerialportPorts } from '../../adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../adapters/udp/node-datagram-network';
import { SmpClient } from '../../core/drivers/smp/smp-client';
import { openSmpLink, type SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import { registryDeviceLocator } from '../../core/jobs/device-locator';
import { openStationRuntime } from '../runtime';

export type EnrollTarget = { kind: 'id'; deviceId: string } | { kind: 'endpoint'; endpoint: SmpEndpoint };

/** `udp:host:port`, a serial port path (`/dev/ttyACM0`, `COM3`), or else a device id as `devices` lists it. */
export function parseEnrollTarget(text: string, baudRate: number): EnrollTarget {
  const udp = /^udp:(.+):(\d{1,5})$/.exec(text);
  if (udp) return { kind: 'endpoint', endpoint: { kind: 'udp', address: udp[1]!, port: Number(udp[2]) } };
  if (/^COM\d+$/i.test(text) || text.startsWith('\\\\')) return { kind: 'endpoint', endpoint: { kind: 'serial', path: text, baudRate } };
  if (text.includes('/') || text.includes('\\')) return { kind: 'endpoint', endpoint: { kind: 'serial', path: resolve(text), baudRate } };
  return { kind: 'id', deviceId: text };
}

/** An SMP client on an open port or socket; `close` lets both go. */
export interface OpenDeviceClient {
  client: SmpClient;
  endpoint: SmpEndpoint;
  close(): Promise<void>;
}

/** Key generation on a small device can take seconds (P-256 on a Cortex-M0 without an accelerator). */
const IDENTITY_REQUEST_TIMEOUT_MS = 15_000;

export async function openDeviceClient(endpoint: SmpEndpoint, signal: AbortSignal): Promise<OpenDeviceClient> {
  const link = await openSmpLink({ serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() }, endpoint, signal);
  const client = new SmpClient(link.transport, { timeoutMs: IDENTITY_REQUEST_TIMEOUT_MS });
  return {
    client,
    endpoint,
    close: async () => {
      client.dispose();
      await link.close();
    },
  };
}

export interface LocateOptions {
  dataDir: string;
  deviceId: string;
  waitSeconds: number;
  mdns: boolean;
  serial: boolean;
}

/** Runs discovery until the device is seen on a serial port or the network, then lets the ports go. */
export async function locateSmpDevice(options: LocateOptions, stop: AbortSignal): Promise<SmpEndpoint> {
  const runtime = await openStationRuntime({
    dataDir: options.dataDir,
    host: 'cli',
    enableMdns: options.mdns,
    enableSerialDiscovery: options.serial,
    enableUsbDiscovery: false,
    enableDriveDiscovery: false,
  });
  try {
    const locator = registryDeviceLocator(runtime.core.registry);
    const deadline = Date.now() + options.waitSeconds * 1000;
    for (;;) {
      const endpoint = locator.locate(options.deviceId).endpoints.find(isSmpEndpoint);
      if (endpoint !== undefined) return endpoint;
      if (stop.aborted) throw new AppError('CANCELLED', 'Cancelled while looking for the device');
      if (Date.now() > deadline)
        throw new AppError('NOT_FOUND', `Device ${options.deviceId} was not found on any serial port or network within ${options.waitSeconds} s`, {
          details: { deviceId: options.deviceId },
        });
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
  } finally {
    await runtime.close();
  }
}

function isSmpEndpoint(endpoint: { kind: string }): endpoint is SmpEndpoint {
  return endpoint.kind === 'serial' || endpoint.kind === 'udp';
}
