import { SerialPort as NodeSerialPort } from 'serialport';
import { AppError } from '../../../shared/errors';
import type {
  SerialLineSettings,
  SerialPort,
  SerialPortInfo,
  SerialPorts,
} from '../../core/ports/serial-port';
import { SerialportOpenPort } from './serialport-open-port';

/**
 * The real SerialPorts adapter over `serialport` 13. Opens real UARTs, USB-serial bridges and the lab's
 * pseudo-terminals alike; nothing `serialport`-typed leaves this folder.
 */
export class SerialportPorts implements SerialPorts {
  async list(signal?: AbortSignal): Promise<SerialPortInfo[]> {
    signal?.throwIfAborted();
    // serialport's PortInfo type lives in a package whose `exports` hide its typings from TypeScript.
    const ports = (await NodeSerialPort.list()) as unknown as ListedPort[];
    return ports.map((port) => {
      const info: SerialPortInfo = { path: port.path };
      if (port.manufacturer) info.manufacturer = port.manufacturer;
      if (port.serialNumber) info.serialNumber = port.serialNumber;
      if (port.vendorId) info.vendorId = port.vendorId.toLowerCase();
      if (port.productId) info.productId = port.productId.toLowerCase();
      return info;
    });
  }

  async open(path: string, settings: SerialLineSettings, signal?: AbortSignal): Promise<SerialPort> {
    if (signal?.aborted) throw new AppError('CANCELLED', `Opening ${path} was cancelled`);
    const port = new NodeSerialPort({
      path,
      baudRate: settings.baudRate,
      dataBits: settings.dataBits ?? 8,
      parity: settings.parity ?? 'none',
      stopBits: settings.stopBits ?? 1,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(openError(path, error)) : resolve()));
    });
    const open = new SerialportOpenPort(path, port);
    if (signal?.aborted) {
      await open.close();
      throw new AppError('CANCELLED', `Opening ${path} was cancelled`);
    }
    return open;
  }
}

/** The fields of serialport's PortInfo that we use. */
interface ListedPort {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

/** serialport's errors carry only a message ("No such file or directory, cannot open …"). */
function openError(path: string, error: Error): AppError {
  const isMissing = /no such file|cannot find|not found/i.test(error.message);
  return new AppError(
    isMissing ? 'NOT_FOUND' : 'PORT_UNAVAILABLE',
    `Cannot open serial port ${path}: ${error.message}`,
    {
      cause: error,
      details: { path },
    },
  );
}
