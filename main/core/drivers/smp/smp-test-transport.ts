import { AppError } from '../../../../shared/errors';
import type { Disposable } from '../../event-bus';
import { ListenerSet } from './listener-set';
import type { SmpMap } from './smp-cbor';
import { responseOpFor } from './smp-header';
import { decodeSmpPacket, encodeSmpPacket, type SmpPacket } from './smp-packet';
import type { SmpTransport } from './smp-transport';

/** Decides what a fake device does with a request: answer with a body, or stay silent. */
export type FakeDeviceBehaviour = (request: SmpPacket) => SmpMap | 'silence' | Promise<SmpMap | 'silence'>;

/**
 * An in-memory SmpTransport for the client's unit tests: records what was sent and lets a test answer
 * requests itself or through a behaviour function. Answers go out on a later task, like a real link.
 */
export class SmpTestTransport implements SmpTransport {
  readonly description = 'test';
  readonly maxPacketBytes: number;
  readonly sent: SmpPacket[] = [];
  readonly #packets = new ListenerSet<[Uint8Array]>();
  readonly #faults = new ListenerSet<[AppError]>();
  readonly #closes = new ListenerSet<[AppError | undefined]>();
  #behaviour: FakeDeviceBehaviour | undefined;
  #isClosed = false;

  constructor(options: { maxPacketBytes?: number; behaviour?: FakeDeviceBehaviour } = {}) {
    this.maxPacketBytes = options.maxPacketBytes ?? 4096;
    this.#behaviour = options.behaviour;
  }

  async send(packet: Uint8Array): Promise<void> {
    if (this.#isClosed) throw new AppError('TRANSPORT_CLOSED', 'test transport closed');
    if (packet.length > this.maxPacketBytes)
      throw new AppError('INVALID_INPUT', 'packet too large for the test transport');
    const request = decodeSmpPacket(packet);
    this.sent.push(request);
    const behaviour = this.#behaviour;
    if (!behaviour) return;
    const answer = await behaviour(request);
    if (answer !== 'silence') setImmediate(() => this.answer(request, answer));
  }

  /** Delivers an answer to `request` with the given body (or raw bytes) to the client. */
  answer(request: SmpPacket, body: SmpMap, overrides: Partial<SmpPacket> = {}): void {
    this.deliver(encodeSmpPacket({ ...request, op: responseOpFor(request.op), body, ...overrides }));
  }

  deliver(bytes: Uint8Array): void {
    this.#packets.emit(bytes);
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

  async close(): Promise<void> {
    this.#isClosed = true;
    this.#closes.emit(undefined);
    return Promise.resolve();
  }

  /** Simulates losing the link (unplugged cable). */
  lose(): void {
    this.#isClosed = true;
    this.#closes.emit(new AppError('TRANSPORT_CLOSED', 'test link lost'));
  }
}
