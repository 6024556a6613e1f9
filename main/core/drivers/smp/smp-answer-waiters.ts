import { AppError, toAppError } from '../../../../shared/errors';
import { abortReason } from './abort-reason';
import { decodeSmpHeader, type SmpOp } from './smp-header';
import { decodeSmpPacket, type SmpPacket } from './smp-packet';
import { SmpSequenceNumbers } from './smp-sequence-numbers';

/** What an answer must echo to belong to a request (protocols.md §1: seq, group, command, response op). */
export interface ExpectedAnswer {
  responseOp: SmpOp;
  group: number;
  commandId: number;
  timeoutMs: number;
  /** For the timeout message, e.g. `serial:/dev/ttyACM0`. */
  linkDescription: string;
}

interface Waiter {
  expected: ExpectedAnswer;
  succeed: (packet: SmpPacket) => void;
  fail: (error: AppError) => void;
}

/** What became of a packet handed to `deliver`, for the client's debug log. */
export type DeliveryOutcome = 'matched' | 'late-answer' | 'unmatched' | 'bad-header';

/**
 * The requests waiting for answers, keyed by sequence number. Each waiter ends exactly once: answered,
 * timed out (DEVICE_NOT_RESPONDING), cancelled by its AbortSignal, or failed. Numbers of requests that
 * got no answer are held back for a cycle so a late answer cannot be taken for a newer request's.
 */
export class SmpAnswerWaiters {
  readonly #seqs = new SmpSequenceNumbers();
  readonly #waiters = new Map<number, Waiter>();

  /** Reserves a sequence number; the caller must `wait` on it or `abandon` it. */
  reserve(): number {
    return this.#seqs.allocate();
  }

  /** The request was never sent (it did not encode). */
  abandon(seq: number): void {
    this.#seqs.release(seq);
  }

  wait(seq: number, expected: ExpectedAnswer, signal: AbortSignal | undefined): Promise<SmpPacket> {
    return new Promise<SmpPacket>((resolve, reject) => {
      let isSettled = false;
      const finish = (outcome: () => void, wasSilent = false): void => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(seq);
        if (wasSilent) this.#seqs.releaseAfterSilence(seq);
        else this.#seqs.release(seq);
        outcome();
      };
      const onAbort = (): void => finish(() => reject(abortReason(signal)), true);
      const timer = setTimeout(() => {
        const { group, commandId, timeoutMs, linkDescription } = expected;
        const message = `No SMP answer from ${linkDescription} to group ${group} command ${commandId} within ${timeoutMs} ms`;
        finish(
          () =>
            reject(
              new AppError('DEVICE_NOT_RESPONDING', message, {
                details: { group, commandId, seq, timeoutMs },
              }),
            ),
          true,
        );
      }, expected.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.set(seq, {
        expected,
        succeed: (packet) => finish(() => resolve(packet)),
        fail: (error) => finish(() => reject(error)),
      });
    });
  }

  /** Fails one waiter (its send failed). */
  fail(seq: number, error: AppError): void {
    this.#waiters.get(seq)?.fail(error);
  }

  /** Fails every waiter (the link closed). */
  failAll(error: AppError): void {
    for (const waiter of [...this.#waiters.values()]) waiter.fail(error);
  }

  /** Hands a received packet to the request it answers; an answer of the wrong kind fails that request. */
  deliver(bytes: Uint8Array): DeliveryOutcome {
    let seq: number;
    try {
      seq = decodeSmpHeader(bytes).seq;
    } catch {
      return 'bad-header';
    }
    const waiter = this.#waiters.get(seq);
    if (!waiter) return this.#seqs.acceptLateAnswer(seq) ? 'late-answer' : 'unmatched';
    try {
      const packet = decodeSmpPacket(bytes);
      const { responseOp, group, commandId } = waiter.expected;
      if (packet.op !== responseOp || packet.group !== group || packet.commandId !== commandId) {
        const message = `SMP answer seq ${seq} is op ${packet.op} group ${packet.group} command ${packet.commandId}, not the request's`;
        throw new AppError('DEVICE_PROTOCOL', message, {
          details: { seq, op: packet.op, group: packet.group, commandId: packet.commandId },
        });
      }
      waiter.succeed(packet);
    } catch (error: unknown) {
      waiter.fail(toAppError(error, 'DEVICE_PROTOCOL'));
    }
    return 'matched';
  }
}
