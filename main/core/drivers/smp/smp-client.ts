import { AppError, toAppError } from '../../../../shared/errors';
import type { Disposable } from '../../event-bus';
import { silentLogger, type Logger } from '../../ports/logger';
import { abortReason } from './abort-reason';
import { InFlightLimit } from './in-flight-limit';
import type { SmpMap } from './smp-cbor';
import { SmpAnswerWaiters } from './smp-answer-waiters';
import { responseOpFor, SmpOp, type SmpVersion } from './smp-header';
import { encodeSmpPacket, type SmpPacket } from './smp-packet';
import { readSmpStatus, SmpRc, smpStatusToAppError } from './smp-status';
import type { SmpTransport } from './smp-transport';

export interface SmpClientOptions {
  /** SMP version to send: 1 (SMP v2, detailed group errors) by default; falls back to 0 if the device says TOO_NEW. */
  version?: SmpVersion;
  /** How long one request waits for its answer. */
  timeoutMs?: number;
  /** Requests on the wire at once; the device holds `buf_count` packets, so keep this ≤ buf_count − 1. */
  maxInFlight?: number;
  logger?: Logger;
}

export interface SmpRequest {
  op: 'read' | 'write';
  group: number;
  commandId: number;
  body?: SmpMap;
  /** Overrides the client's timeout for this request (slow commands: erase, reset). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * SMP requests over one transport (protocols.md §1): matches answers to requests by sequence number,
 * group, command and op, keeps up to `maxInFlight` requests on the wire, times each out, and turns
 * `rc` / `err` answers into DEVICE_REJECTED errors. Answers are returned as decoded bodies.
 */
export class SmpClient {
  readonly #transport: SmpTransport;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #limit: InFlightLimit;
  readonly #waiters = new SmpAnswerWaiters();
  readonly #subscriptions: Disposable[];
  #version: SmpVersion;
  #closedReason: AppError | undefined;

  constructor(transport: SmpTransport, options: SmpClientOptions = {}) {
    this.#transport = transport;
    this.#version = options.version ?? 1;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#limit = new InFlightLimit(options.maxInFlight ?? 1);
    this.#logger = (options.logger ?? silentLogger).child({ transport: transport.description });
    this.#subscriptions = [
      transport.onPacket((packet) => this.#receive(packet)),
      transport.onFault((error) =>
        this.#logger.warn({ error: error.message }, 'SMP transport dropped bytes'),
      ),
      transport.onClose((reason) =>
        this.#shutDown(reason ?? new AppError('TRANSPORT_CLOSED', `${transport.description} closed`)),
      ),
    ];
  }

  /** The largest whole SMP packet the transport carries; the uploader also respects the device's buf_size. */
  get maxPacketBytes(): number {
    return this.#transport.maxPacketBytes;
  }

  /** The SMP version requests go out with now (after any fallback). */
  get version(): SmpVersion {
    return this.#version;
  }

  /** Sends one request and resolves with the body of its successful answer. */
  async request(request: SmpRequest, signal?: AbortSignal): Promise<SmpMap> {
    if (this.#closedReason) throw this.#closedReason;
    await this.#limit.acquire(signal);
    try {
      return await this.#exchange(request, signal);
    } finally {
      this.#limit.release();
    }
  }

  /** Stops listening to the transport and fails whatever is pending; the transport stays open. */
  dispose(): void {
    this.#shutDown(new AppError('TRANSPORT_CLOSED', 'SMP client disposed'));
  }

  async #exchange(request: SmpRequest, signal: AbortSignal | undefined): Promise<SmpMap> {
    const version = this.#version;
    const reply = await this.#roundTrip(request, version, signal);
    const status = readSmpStatus(reply.body);
    if (status.kind === 'ok') return reply.body;
    if (status.kind === 'smp-error' && status.rc === SmpRc.tooNew && version === 1) {
      this.#logger.info({}, 'device does not speak SMP v2; falling back to v1');
      this.#version = 0;
      return this.#exchange(request, signal);
    }
    throw smpStatusToAppError(status, request);
  }

  async #roundTrip(
    request: SmpRequest,
    version: SmpVersion,
    signal: AbortSignal | undefined,
  ): Promise<SmpPacket> {
    if (signal?.aborted) throw abortReason(signal);
    const op = request.op === 'read' ? SmpOp.read : SmpOp.write;
    const seq = this.#waiters.reserve();
    let bytes: Uint8Array;
    try {
      const body = request.body ?? {};
      bytes = encodeSmpPacket({
        op,
        version,
        flags: 0,
        group: request.group,
        seq,
        commandId: request.commandId,
        body,
      });
    } catch (error: unknown) {
      this.#waiters.abandon(seq);
      throw error;
    }
    const expected = {
      responseOp: responseOpFor(op),
      group: request.group,
      commandId: request.commandId,
      timeoutMs: request.timeoutMs ?? this.#timeoutMs,
      linkDescription: this.#transport.description,
    };
    const answer = this.#waiters.wait(seq, expected, signal);
    answer.catch(() => undefined); // awaited below; keeps a rejection during send from counting as unhandled
    try {
      await this.#transport.send(bytes, signal);
    } catch (error: unknown) {
      this.#waiters.fail(seq, toAppError(error, 'TRANSPORT_CLOSED'));
    }
    return answer;
  }

  #receive(bytes: Uint8Array): void {
    const outcome = this.#waiters.deliver(bytes);
    if (outcome === 'bad-header') this.#logger.warn({}, 'dropped an SMP packet with a bad header');
    else if (outcome !== 'matched') this.#logger.debug({ outcome }, 'SMP packet answers no waiting request');
  }

  #shutDown(reason: AppError): void {
    if (this.#closedReason) return;
    this.#closedReason = reason;
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#waiters.failAll(reason);
    this.#limit.rejectWaiting(reason);
  }
}
