export interface UsbSerialLatencyOptions {
  /** How long a partly filled packet waits before the bridge sends it (FTDI's default latency timer: 16 ms). */
  latencyMs: number;
  /** USB bulk packet size of a full-speed bridge. */
  packetBytes?: number;
  /** Bytes of each packet the bridge spends on modem status (FTDI: 2), not data. */
  statusBytes?: number;
}

/**
 * The device-to-host side of a USB-serial bridge (quality.md, "optionally the 16 ms latency timer of
 * common USB-serial bridges"): received UART bytes go to the host in whole USB packets as soon as one is
 * full, and a partly filled packet waits for the latency timer. Short SMP answers therefore arrive up
 * to `latencyMs` late, which is what makes unpipelined clients slow on real cables.
 */
export class UsbSerialLatency {
  readonly #latencyMs: number;
  readonly #payloadBytes: number;
  readonly #release: (bytes: Uint8Array) => void;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #isStopped = false;

  constructor(options: UsbSerialLatencyOptions, release: (bytes: Uint8Array) => void) {
    this.#latencyMs = options.latencyMs;
    this.#payloadBytes = (options.packetBytes ?? 64) - (options.statusBytes ?? 2);
    this.#release = release;
  }

  push(bytes: Uint8Array): void {
    if (this.#isStopped || bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    const fullBytes = this.#pendingBytes - (this.#pendingBytes % this.#payloadBytes);
    if (fullBytes > 0) this.#release(this.#take(fullBytes));
    if (this.#pendingBytes === 0) {
      this.#clearTimer();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#pendingBytes > 0) this.#release(this.#take(this.#pendingBytes));
      }, this.#latencyMs);
    }
  }

  stop(): void {
    this.#isStopped = true;
    this.#clearTimer();
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #take(count: number): Uint8Array {
    const all = Buffer.concat(this.#pending);
    const out = new Uint8Array(all.subarray(0, count));
    const rest = all.subarray(count);
    this.#pending = rest.length > 0 ? [new Uint8Array(rest)] : [];
    this.#pendingBytes = rest.length;
    return out;
  }
}
