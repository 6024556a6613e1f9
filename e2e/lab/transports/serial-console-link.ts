import { ConsoleFrameDecoder } from '../../../main/core/drivers/smp/console-frame-decoder';
import { encodeConsoleStream } from '../../../main/core/drivers/smp/console-frame-encoder';
import type { SmpLabDevice } from '../devices/smp/smp-lab-device';
import { DeadlinePacer, type PacerStats } from './deadline-pacer';
import { PtyEndpoint } from './pty-endpoint';

export interface SerialConsoleLinkOptions {
  /** Line rate both directions are paced to; 0 disables pacing. */
  baudRate: number;
  /** 10 for 8N1, 11 for 8E1. */
  bitsPerByte?: number;
  /** Print a Zephyr-style boot banner at each boot, as console noise between frames. */
  printsBootBanner?: boolean;
}

export interface SerialConsoleLinkStats {
  toDevice: PacerStats;
  fromDevice: PacerStats;
  /** Frames the device's decoder dropped (bad base64, CRC, over-long frame or packet). */
  droppedFrames: number;
}

/**
 * Joins a lab SMP device to the lab end of a pty with console framing (protocols.md §1, "Serial
 * transport"). Both directions are deadline-paced to the configured baud (quality.md), so the bytes the
 * app writes reach the device no faster than a UART would carry them, and answers come back the same way.
 * The device's decoder is strict: frames over 127 bytes and packets over buf_size are dropped.
 */
export class SerialConsoleLink {
  readonly #endpoint: PtyEndpoint;
  readonly #toDevice: DeadlinePacer;
  readonly #fromDevice: DeadlinePacer;
  readonly #bootSubscription: { dispose(): void };
  #droppedFrames = 0;

  private constructor(device: SmpLabDevice, endpoint: PtyEndpoint, options: SerialConsoleLinkOptions) {
    this.#endpoint = endpoint;
    const pacing = { baudRate: options.baudRate, bitsPerByte: options.bitsPerByte ?? 10 };
    const decoder = new ConsoleFrameDecoder({ maxPacketBytes: device.config.bufSizeBytes });
    const reply = (response: Uint8Array): void => this.#fromDevice.push(encodeConsoleStream(response));
    this.#fromDevice = new DeadlinePacer(pacing, (bytes) => endpoint.write(bytes));
    this.#toDevice = new DeadlinePacer(pacing, (bytes) => {
      for (const event of decoder.push(bytes)) {
        if (event.kind === 'packet') device.receive(event.packet, reply);
        else this.#droppedFrames += 1;
      }
    });
    endpoint.onData((bytes) => this.#toDevice.push(bytes));
    this.#bootSubscription = device.onBoot((bootCount) => {
      if (options.printsBootBanner) {
        this.#fromDevice.push(
          Buffer.from(`*** Booting Zephyr OS build fieldline-lab (boot ${bootCount}) ***\r\nuart:~$ `),
        );
      }
    });
  }

  static async start(
    device: SmpLabDevice,
    labPtyPath: string,
    options: SerialConsoleLinkOptions,
  ): Promise<SerialConsoleLink> {
    return new SerialConsoleLink(device, await PtyEndpoint.open(labPtyPath), options);
  }

  get stats(): SerialConsoleLinkStats {
    return {
      toDevice: { ...this.#toDevice.stats },
      fromDevice: { ...this.#fromDevice.stats },
      droppedFrames: this.#droppedFrames,
    };
  }

  async stop(): Promise<void> {
    this.#bootSubscription.dispose();
    this.#toDevice.stop();
    this.#fromDevice.stop();
    await this.#endpoint.close();
  }
}
