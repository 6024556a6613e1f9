import type { AppError } from '../../../shared/errors';
import type { Disposable } from '../../../main/core/event-bus';
import { ListenerSet } from '../../../main/core/drivers/smp/listener-set';
import type { SmpTransport } from '../../../main/core/drivers/smp/smp-transport';
import type { SmpLabDevice } from '../devices/smp/smp-lab-device';

/**
 * Connects an SMP client straight to a lab device in the same process, with no framing and no pacing:
 * for fast protocol tests of the device itself. Each hop goes through the event loop, like a real link.
 */
export class InMemorySmpLink implements SmpTransport {
  readonly description = 'in-memory';
  readonly #packets = new ListenerSet<[Uint8Array]>();
  readonly #faults = new ListenerSet<[AppError]>();
  readonly #closes = new ListenerSet<[AppError | undefined]>();
  #isClosed = false;

  constructor(
    readonly device: SmpLabDevice,
    readonly maxPacketBytes = 0xffff,
  ) {}

  send(packet: Uint8Array): Promise<void> {
    const copy = new Uint8Array(packet);
    setImmediate(() =>
      this.device.receive(copy, (response) =>
        setImmediate(() => !this.#isClosed && this.#packets.emit(response)),
      ),
    );
    return Promise.resolve();
  }

  onPacket(listener: (packet: Uint8Array) => void): Disposable {
    return this.#packets.add(listener);
  }

  onFault(listener: (error: AppError) => void): Disposable {
    return this.#faults.add(listener);
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    return this.#closes.add(listener);
  }

  close(): Promise<void> {
    this.#isClosed = true;
    this.#closes.emit(undefined);
    return Promise.resolve();
  }
}
