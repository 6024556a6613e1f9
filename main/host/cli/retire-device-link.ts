import { AppError } from '../../../shared/errors';
import { SerialportPorts } from '../../adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../adapters/udp/node-datagram-network';
import type { SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import { identifySmpDevice } from '../../core/jobs/identify-smp-device';
import { locateSmpDevice } from './enroll-device-link';
import { parseDeviceArgument } from './flash-device-argument';

export interface RetireTarget {
  deviceId: string;
  endpoint: SmpEndpoint;
}

/**
 * `--device` for `fieldline retire`, as `flash` takes it: a serial port path or `udp:host:port` (the
 * device is asked who it is and named as discovery names it, `hwid:…`), or a device id (discovery looks
 * for it on serial ports and the network for up to `waitSeconds`). Retirement speaks SMP only.
 */
export async function resolveRetireTarget(
  text: string,
  options: { baudRate: number; waitSeconds: number; dataDir: string; mdns: boolean; serial: boolean },
  stop: AbortSignal,
): Promise<RetireTarget> {
  const given = parseDeviceArgument(text, options.baudRate);
  if (given.kind === 'id') {
    const endpoint = await locateSmpDevice({ ...options, deviceId: given.deviceId }, stop);
    return { deviceId: given.deviceId, endpoint };
  }
  const endpoint = given.endpoint;
  if (endpoint.kind !== 'serial' && endpoint.kind !== 'udp')
    throw new AppError('INVALID_INPUT', `--device ${text} is not an SMP device: retirement wipes SMP devices (serial port or udp:host:port)`);
  const ports = { serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() };
  const { deviceId } = await identifySmpDevice(ports, endpoint, stop);
  return { deviceId, endpoint };
}
