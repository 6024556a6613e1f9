import { AppError } from '../../../shared/errors';
import { ConsoleFrameDecoder } from '../drivers/smp/console-frame-decoder';
import { encodeConsoleStream } from '../drivers/smp/console-frame-encoder';
import type { SmpMap } from '../drivers/smp/smp-cbor';
import { responseOpFor } from '../drivers/smp/smp-header';
import { decodeSmpPacket, encodeSmpPacket, type SmpPacket } from '../drivers/smp/smp-packet';
import type { Disposable } from '../event-bus';
import type { SerialPort, SerialPortInfo, SerialPorts } from '../ports/serial-port';

/** What the thing behind a fake port does with an SMP request: answer a body, or stay silent. */
export type FakeSerialDevice = (request: SmpPacket) => SmpMap | 'silence';

/**
 * Serial ports in memory for discovery's unit tests: SMP over real console framing, no pty. It counts
 * opens and closes so tests can show that no probe leaks a port. (Integration with the real adapter
 * and the device lab is in e2e/discovery.)
 */
export class FakeSerialPorts implements SerialPorts {
  listed: SerialPortInfo[] = [];
  listError: AppError | null = null;
  readonly devices = new Map<string, FakeSerialDevice>();
  openCount = 0;
  closeCount = 0;
  maxOpenAtOnce = 0;

  list(): Promise<SerialPortInfo[]> {
    return this.listError === null
      ? Promise.resolve(this.listed.map((info) => ({ ...info })))
      : Promise.reject(this.listError);
  }

  open(path: string): Promise<SerialPort> {
    if (!this.listed.some((info) => info.path === path))
      return Promise.reject(new AppError('NOT_FOUND', `no ${path}`));
    this.openCount += 1;
    this.maxOpenAtOnce = Math.max(this.maxOpenAtOnce, this.openCount - this.closeCount);
    return Promise.resolve(
      new FakePort(path, this.devices.get(path) ?? (() => 'silence'), () => (this.closeCount += 1)),
    );
  }
}

class FakePort implements SerialPort {
  readonly #decoder = new ConsoleFrameDecoder();
  readonly #data = new Set<(bytes: Uint8Array) => void>();
  readonly #closes = new Set<(reason: AppError | undefined) => void>();
  #isClosed = false;

  constructor(
    readonly path: string,
    private readonly device: FakeSerialDevice,
    private readonly onClosed: () => void,
  ) {}

  write(bytes: Uint8Array): Promise<void> {
    if (this.#isClosed) return Promise.reject(new AppError('TRANSPORT_CLOSED', 'closed'));
    for (const event of this.#decoder.push(bytes)) {
      if (event.kind !== 'packet') continue;
      const request = decodeSmpPacket(event.packet);
      const body = this.device(request);
      if (body === 'silence') continue;
      const response = encodeConsoleStream(
        encodeSmpPacket({ ...request, op: responseOpFor(request.op), body }),
      );
      setImmediate(() => this.#data.forEach((listener) => !this.#isClosed && listener(response)));
    }
    return Promise.resolve();
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    this.#data.add(listener);
    return { dispose: () => this.#data.delete(listener) };
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    this.#closes.add(listener);
    return { dispose: () => this.#closes.delete(listener) };
  }

  setControlLines(): Promise<'not-supported'> {
    return Promise.resolve('not-supported');
  }

  close(): Promise<void> {
    if (!this.#isClosed) {
      this.#isClosed = true;
      this.onClosed();
      this.#closes.forEach((listener) => listener(undefined));
    }
    return Promise.resolve();
  }
}

/** A device with the OS group and, when `identity` is given, the identity group; NOTSUP for the rest. */
export function fakeSmpDevice(identity?: {
  hwid: Uint8Array;
  serial: string;
  model: string;
}): FakeSerialDevice {
  return (request): SmpMap => {
    const key = `${request.group}:${request.commandId}`;
    if (key === '0:0') return { r: request.body.d ?? '' };
    if (key === '0:6') return { buf_size: 512, buf_count: 2 };
    if (key === '1:0') return { images: [{ slot: 0, version: '2.1.0', active: true, confirmed: true }] };
    if (key === '0:7') return { output: 'fake-board' };
    if (key === '64:0' && identity !== undefined) return { ...identity };
    return { rc: 8 };
  };
}
