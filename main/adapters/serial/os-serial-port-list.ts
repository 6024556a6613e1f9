import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SerialPortInfo } from '../../core/ports/serial-port';

/** Device names serialport's Linux lister keeps (its `linux-list.js`), so our trigger sees what it would list. */
const LINUX_SERIAL_NAME = /^(tty(S|WCH|ACM|USB|AMA|MFD|O|XRUSB)|rfcomm)/;

export interface OsSerialPortListOptions {
  /** `process.platform`; the cheap change check is Linux-only. */
  platform?: NodeJS.Platform;
  /** Where device nodes live; tests point it elsewhere. */
  devDir?: string;
  /**
   * After a change, keep listing for this long: udev attaches USB metadata (serial number, vendor)
   * a moment after the node appears, and a listing taken too early would lack it for good.
   */
  settleMs?: number;
  nowMs?: () => number;
}

/**
 * The operating system's serial ports, listed cheaply enough to poll every 250 ms. On Linux,
 * serialport's list spawns `udevadm info -e` and parses every udev record (about 60 ms and 20 ms of CPU
 * here), so the full list runs only when the set of serial device nodes in /dev changes (name or
 * creation time: a replug makes a new node), and for `settleMs` after. That readdir is the hotplug
 * trigger; a udev monitor would be the event-driven version. Elsewhere the list is native (IOKit,
 * SetupAPI) and runs every time.
 */
export class OsSerialPortList {
  readonly #list: () => Promise<SerialPortInfo[]>;
  readonly #isLinux: boolean;
  readonly #devDir: string;
  readonly #settleMs: number;
  readonly #nowMs: () => number;
  #signature: string | null = null;
  #settleUntilMs = 0;
  #cached: SerialPortInfo[] = [];

  constructor(list: () => Promise<SerialPortInfo[]>, options: OsSerialPortListOptions = {}) {
    this.#list = list;
    this.#isLinux = (options.platform ?? process.platform) === 'linux';
    this.#devDir = options.devDir ?? '/dev';
    this.#settleMs = options.settleMs ?? 1_000;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** The ports now; a failing OS list rejects, and the next call tries again. */
  async list(): Promise<SerialPortInfo[]> {
    if (!this.#isLinux) return this.#list();
    const signature = await this.#deviceNodeSignature();
    const now = this.#nowMs();
    if (signature === this.#signature && now > this.#settleUntilMs) return this.#cached;
    // The first listing needs no settling: only a node that has just appeared may still lack metadata.
    if (this.#signature !== null && signature !== this.#signature) this.#settleUntilMs = now + this.#settleMs;
    const listed = await this.#list();
    // Only a successful list moves the signature on, so a failure is retried on the next call.
    this.#cached = listed;
    this.#signature = signature;
    return listed;
  }

  async #deviceNodeSignature(): Promise<string> {
    let names: string[];
    try {
      names = (await readdir(this.#devDir)).filter((name) => LINUX_SERIAL_NAME.test(name)).sort();
    } catch {
      return '';
    }
    const entries = await Promise.all(
      names.map(async (name) => {
        try {
          return `${name}@${(await stat(join(this.#devDir, name))).ctimeMs}`;
        } catch {
          return '';
        }
      }),
    );
    return entries.join('|');
  }
}
