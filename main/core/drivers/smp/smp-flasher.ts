import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, toAppError } from '../../../../shared/errors';
import { abortReason } from './abort-reason';
import { confirmRunningImage, markImageForTest, readImageState, type ImageSlotState } from './image-commands';
import { uploadImage } from './image-upload';
import { echo, resetDevice } from './os-commands';
import {
  decideSmpFlashAction,
  isAwaitingReboot,
  type RevertReason,
  type SmpFlashMemory,
} from './smp-flasher-plan';
import type { SmpFlashSession } from './smp-flasher-session';
import { slotEvidence, type SlotEvidence } from './smp-flasher-slot-info';

/** The image to put on the device: exactly the verified bytes and the hash MCUboot will report for them. */
export interface SmpFlashTarget {
  /** `VerifiedImage.bytes` of a verified bundle, and nothing else. */
  bytes: Uint8Array;
  /** The image's SHA-256 TLV (protocols.md §2), lower-case hex: what image state reports as `hash`. */
  imageHash: string;
  version: string;
}

/** Steps the flasher checkpoints (job.step-completed) and reports as it goes. */
export type SmpFlashStep =
  | 'upload'
  | 'verify-upload'
  | 'mark-test'
  | 'test-reset'
  | 'device-back'
  | 'health-check'
  | 'revert-reset'
  | 'confirm';

export interface SmpFlashHooks {
  onStep?: (step: SmpFlashStep) => void;
  onProgress?: (progress: { bytesDone: number; totalBytes: number }) => void;
  /**
   * Durable record of a step. The flasher waits for it; `test-reset` and `revert-reset` are recorded
   * before the reset is sent (write-ahead), every other step after it is done.
   */
  checkpoint?: (
    step: SmpFlashStep,
    evidence: Record<string, string | number | boolean | null>,
  ) => Promise<void>;
  signal?: AbortSignal;
}

export interface SmpFlashOptions {
  /** How long a reset may take to show in the device's image state before it is sent again. */
  rebootSettleMs?: number;
  /** Link losses tolerated in one step before the flash gives up (DEVICE_NOT_RESPONDING, retryable). */
  maxReconnectsPerStep?: number;
}

/** The evidence of a flash: what the device reported before and after, and how the image got there. */
export interface SmpFlashEvidence {
  imageHash: string;
  version: string;
  slotsBefore: SlotEvidence[];
  slotsAfter: SlotEvidence[];
  /** True when no byte was sent: the image was already in a slot (or already running). */
  isUploadSkipped: boolean;
  isAlreadyRunning: boolean;
  /** Where the device let the upload resume, when it did (after an unplug or a crash). */
  resumedFromBytes: number | null;
  /** The hash the device reports for the running, confirmed image; null unless confirmed. */
  verifiedHash: string | null;
  transports: string[];
  reconnects: number;
}

export type SmpFlashOutcome =
  | { kind: 'confirmed'; evidence: SmpFlashEvidence }
  | { kind: 'reverted'; reason: RevertReason; detail: string; evidence: SmpFlashEvidence };

const MAX_ROUNDS = 16;
const LINK_LOST_CODES = new Set(['TRANSPORT_CLOSED', 'DEVICE_NOT_RESPONDING']);

/**
 * Updates an MCUboot device over SMP (protocols.md §1–2): upload into slot 1 (pipelined, resumed by
 * `sha`, resynchronised on offset mismatches), verify the hash the device reports, mark for test, reset,
 * find the device again by identity, health check (running the new image and answering echo), confirm.
 * Each round reads the image state and takes the one step `decideSmpFlashAction` names, so an unplug,
 * a reset or a crash anywhere is recovered by reading the state again. An image the bootloader refuses,
 * or that fails its health check (then it is reset so MCUboot swaps back), ends `reverted`, never confirmed.
 */
export class SmpFlasher {
  readonly #session: SmpFlashSession;
  readonly #target: SmpFlashTarget;
  readonly #memory: SmpFlashMemory;
  readonly #hooks: SmpFlashHooks;
  readonly #options: Required<SmpFlashOptions>;
  readonly #evidence: SmpFlashEvidence;
  #lastTestResetAtMs: number | null = null;

  constructor(
    session: SmpFlashSession,
    target: SmpFlashTarget,
    memory: SmpFlashMemory,
    hooks: SmpFlashHooks = {},
    options: SmpFlashOptions = {},
  ) {
    this.#session = session;
    this.#target = target;
    this.#memory = { ...memory };
    this.#hooks = hooks;
    this.#options = { rebootSettleMs: 10_000, maxReconnectsPerStep: 4, ...options };
    this.#evidence = {
      imageHash: target.imageHash,
      version: target.version,
      slotsBefore: [],
      slotsAfter: [],
      isUploadSkipped: true,
      isAlreadyRunning: false,
      resumedFromBytes: null,
      verifiedHash: null,
      transports: [],
      reconnects: 0,
    };
    this.#lastTestResetAtMs = memory.testResetSentAtMs;
  }

  /** The session must be connected; it stays open afterwards (the caller closes it). */
  async run(): Promise<SmpFlashOutcome> {
    let slots = await this.#readSlots('read-device');
    this.#evidence.slotsBefore = slotEvidence(slots);
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      this.#throwIfAborted();
      const action = decideSmpFlashAction(slots, this.#target.imageHash, this.#memory);
      switch (action.kind) {
        case 'confirmed':
          if (round === 0) this.#evidence.isAlreadyRunning = true;
          return { kind: 'confirmed', evidence: this.#finish(slots, true) };
        case 'reverted':
          return {
            kind: 'reverted',
            reason: action.reason,
            detail: this.#revertDetail(action.reason),
            evidence: this.#finish(slots, false),
          };
        case 'busy':
          throw new AppError('DEVICE_BUSY', `Cannot update the device now: ${action.why}`, {
            details: { step: 'read-device', slots: this.#evidence.slotsBefore },
          });
        case 'upload':
          slots = await this.#upload();
          break;
        case 'mark-test':
          slots = await this.#markForTest();
          break;
        case 'test-reset':
        case 'revert-reset':
          slots = await this.#reset(action.kind);
          break;
        case 'health-check':
          slots = await this.#healthCheckAndConfirm();
          break;
      }
    }
    throw new AppError(
      'DEVICE_PROTOCOL',
      `The device's image state did not settle after ${MAX_ROUNDS} steps`,
      {
        details: { step: 'read-device', slots: slotEvidence(slots) },
      },
    );
  }

  async #upload(): Promise<ImageSlotState[]> {
    this.#hooks.onStep?.('upload');
    this.#evidence.isUploadSkipped = false;
    const { bufSizeBytes, bufCount } = this.#session.params;
    const totalBytes = this.#target.bytes.length;
    let lastOffset = 0;
    const result = await this.#withReconnect(
      'upload',
      () =>
        uploadImage(this.#session.client, this.#target.bytes, {
          deviceBufSizeBytes: bufSizeBytes,
          maxInFlight: Math.max(1, bufCount - 1),
          maxSilentRetries: 4,
          signal: this.#hooks.signal,
          onProgress: ({ confirmedBytes }) => {
            lastOffset = confirmedBytes;
            this.#hooks.onProgress?.({ bytesDone: confirmedBytes, totalBytes });
          },
        }),
      () => ({ offset: lastOffset }),
    );
    if (result.resumedFromBytes > 0) this.#evidence.resumedFromBytes = result.resumedFromBytes;
    await this.#checkpoint('upload', { bytes: totalBytes, resumedFromBytes: result.resumedFromBytes });
    // The device reports what it holds: its hash must be the verified image's (nothing is trusted unread).
    this.#hooks.onStep?.('verify-upload');
    const slots = await this.#readSlots('verify-upload');
    const secondary = slots.find((slot) => slot.image === 0 && slot.slot === 1);
    const reported = secondary ? Buffer.from(secondary.hash).toString('hex') : null;
    if (reported !== this.#target.imageHash) {
      throw new AppError(
        'FIRMWARE_VERIFY_FAILED',
        `After the upload slot 1 reports hash ${reported ?? '(empty)'}, not ${this.#target.imageHash}`,
        { details: { step: 'verify-upload', reported, expected: this.#target.imageHash } },
      );
    }
    await this.#checkpoint('verify-upload', { slot: 1, verifiedHash: reported });
    return slots;
  }

  async #markForTest(): Promise<ImageSlotState[]> {
    this.#hooks.onStep?.('mark-test');
    const hash = Buffer.from(this.#target.imageHash, 'hex');
    const slots = await this.#withReconnect('mark-test', () =>
      markImageForTest(this.#session.client, new Uint8Array(hash), this.#hooks.signal),
    );
    await this.#checkpoint('mark-test', { hash: this.#target.imageHash });
    return slots;
  }

  /**
   * Sends a reset and waits until the image state shows it happened. A reset is sent again only when
   * the state still shows it did not happen `rebootSettleMs` after the last one, so a slow reboot never
   * gets a second reset (which would make MCUboot revert a test image).
   */
  async #reset(kind: 'test-reset' | 'revert-reset'): Promise<ImageSlotState[]> {
    this.#hooks.onStep?.(kind);
    // The state just before the reset: a device that rebooted by itself (watchdog, brown-out) since the
    // last read must not get a second reset, which would make MCUboot revert the test image.
    const current = await this.#readSlots(kind);
    if (!isAwaitingReboot(current, this.#target.imageHash, kind)) return current;
    const now = Date.now();
    // Only a second *test* reset is harmful (it would revert the image the first one swapped in).
    const isSettled =
      kind === 'revert-reset' ||
      this.#lastTestResetAtMs === null ||
      now - this.#lastTestResetAtMs >= this.#options.rebootSettleMs;
    if (isSettled) {
      if (kind === 'test-reset') this.#memory.testResetSentAtMs = now;
      // Write-ahead: after a crash the job must know a reset may have happened.
      await this.#checkpoint(kind, { sentAtMs: now, healthFailure: this.#memory.healthFailure });
      if (kind === 'test-reset') this.#lastTestResetAtMs = now;
      await resetDevice(this.#session.client, this.#hooks.signal).catch((error: unknown) => {
        // A reset whose answer is lost may still have happened; the image state tells below.
        if (!LINK_LOST_CODES.has(toAppError(error).code)) throw error;
      });
      await this.#session.reconnect(`the ${kind}`, this.#hooks.signal);
    }
    const deadline =
      (kind === 'test-reset' ? (this.#lastTestResetAtMs ?? now) : now) + this.#options.rebootSettleMs;
    for (;;) {
      const slots = await this.#readSlots('device-back');
      if (!isAwaitingReboot(slots, this.#target.imageHash, kind) || Date.now() >= deadline) {
        this.#hooks.onStep?.('device-back');
        await this.#checkpoint('device-back', {
          after: kind,
          transport: this.#session.transportsUsed.at(-1) ?? null,
        });
        return slots;
      }
      await sleep(100, undefined, { signal: this.#hooks.signal }).catch(() => undefined);
    }
  }

  /** Running the new image and answering echo (protocols.md §1 OS echo) is healthy: confirm it; else revert. */
  async #healthCheckAndConfirm(): Promise<ImageSlotState[]> {
    this.#hooks.onStep?.('health-check');
    const failure = await this.#healthFailure();
    if (failure !== null) {
      this.#memory.healthFailure = failure;
      return this.#reset('revert-reset');
    }
    await this.#checkpoint('health-check', { isHealthy: true });
    this.#hooks.onStep?.('confirm');
    const slots = await this.#withReconnect('confirm', () =>
      confirmRunningImage(this.#session.client, this.#hooks.signal),
    );
    const primary = slots.find((slot) => slot.image === 0 && slot.slot === 0);
    await this.#checkpoint('confirm', {
      verifiedHash: primary ? Buffer.from(primary.hash).toString('hex') : null,
      isConfirmed: primary?.isConfirmed ?? false,
    });
    return slots;
  }

  /** Null when healthy; otherwise why not. A lost link is not the image's fault: it reconnects and asks again. */
  async #healthFailure(): Promise<string | null> {
    const token = `fieldline-health-${randomBytes(6).toString('hex')}`;
    try {
      const answer = await this.#withReconnect('health-check', () =>
        echo(this.#session.client, token, this.#hooks.signal),
      );
      return answer === token ? null : `echo came back as "${answer.slice(0, 40)}"`;
    } catch (error: unknown) {
      const appError = toAppError(error);
      if (appError.code === 'DEVICE_REJECTED' || appError.code === 'DEVICE_PROTOCOL')
        return `echo failed: ${appError.message}`;
      throw appError;
    }
  }

  async #readSlots(step: string): Promise<ImageSlotState[]> {
    return this.#withReconnect(step, () => readImageState(this.#session.client, this.#hooks.signal));
  }

  /**
   * Runs `work`; when the link is lost (TRANSPORT_CLOSED, DEVICE_NOT_RESPONDING) finds the device again
   * and runs it once more, up to `maxReconnectsPerStep` times. Errors leave with the step (and `where`,
   * e.g. the upload offset) in their details.
   */
  async #withReconnect<T>(
    step: string,
    work: () => Promise<T>,
    where: () => Record<string, number> = () => ({}),
  ): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      this.#throwIfAborted();
      try {
        return await work();
      } catch (error: unknown) {
        const appError = toAppError(error);
        if (this.#hooks.signal?.aborted) throw abortReason(this.#hooks.signal);
        if (!LINK_LOST_CODES.has(appError.code) || attempt >= this.#options.maxReconnectsPerStep)
          throw withStep(appError, step, where());
        try {
          await this.#session.reconnect(`a lost link during ${step}`, this.#hooks.signal);
        } catch (reconnectError: unknown) {
          throw withStep(toAppError(reconnectError), step, where());
        }
      }
    }
  }

  async #checkpoint(
    step: SmpFlashStep,
    evidence: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    await this.#hooks.checkpoint?.(step, evidence);
  }

  #finish(slots: readonly ImageSlotState[], isConfirmed: boolean): SmpFlashEvidence {
    const primary = slots.find((slot) => slot.image === 0 && slot.slot === 0);
    this.#evidence.slotsAfter = slotEvidence(slots);
    this.#evidence.verifiedHash = isConfirmed && primary ? Buffer.from(primary.hash).toString('hex') : null;
    this.#evidence.transports = this.#session.transportsUsed;
    this.#evidence.reconnects = this.#session.reconnects;
    return { ...this.#evidence };
  }

  #revertDetail(reason: RevertReason): string {
    switch (reason) {
      case 'health-check-failed':
        return `the new image failed its health check (${this.#memory.healthFailure ?? 'unknown'}); MCUboot swapped back`;
      case 'bootloader-refused':
        return 'the bootloader refused the new image at reset (hash or signature) and erased slot 1';
      case 'reset-before-confirm':
        return 'the device reset before the new image was confirmed, so MCUboot swapped back';
    }
  }

  #throwIfAborted(): void {
    if (this.#hooks.signal?.aborted) throw abortReason(this.#hooks.signal);
  }
}

function withStep(error: AppError, step: string, where: Record<string, number>): AppError {
  if (error.details?.step !== undefined) return error;
  return new AppError(error.code, `${error.message} (during ${step})`, {
    cause: error,
    details: { ...error.details, step, ...where },
  });
}
