import { ConsoleFrameDecoder } from '../../../main/core/drivers/smp/console-frame-decoder';
import { encodeConsoleStream } from '../../../main/core/drivers/smp/console-frame-encoder';
import type { SmpLabDevice } from '../devices/smp/smp-lab-device';
import { corruptConsoleStream } from '../faults/link-fault-injector';
import { DeadlinePacer, type PacerStats } from './deadline-pacer';
import { PtyEndpoint } from './pty-endpoint';
import { UsbSerialLatency } from './usb-serial-latency';

export interface SerialConsoleLinkOptions {
  /** Line rate both directions are paced to; 0 disables pacing. */
  baudRate: number;
  /** 10 for 8N1, 11 for 8E1. */
  bitsPerByte?: number;
  /** Print a Zephyr-style boot banner at each boot, as console noise between frames. */
  printsBootBanner?: boolean;
  /** Model a USB-serial bridge's latency timer on answers (quality.md: 16 ms); 0 or absent: none. */
  usbLatencyTimerMs?: number;
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
 * app writes reach the device no faster than a UART would carry them, and answers come back the same way,
 * optionally held back by a USB-serial bridge's latency timer. The device's decoder is strict: frames
 * over 127 bytes and packets over buf_size are dropped. The device's packet faults (drop, duplicate,
 * corrupt, console noise; fault-plan.ts) are applied here, on the bytes of the line.
 */
export class SerialConsoleLink {
  readonly #endpoint: PtyEndpoint;
  readonly #toDevice: DeadlinePacer;
  readonly #fromDevice: DeadlinePacer;
  readonly #usbLatency: UsbSerialLatency | undefined;
  readonly #bootSubscription: { dispose(): void };
  #droppedFrames = 0;

  private constructor(device: SmpLabDevice, endpoint: PtyEndpoint, options: SerialConsoleLinkOptions) {
    this.#endpoint = endpoint;
    const pacing = { baudRate: options.baudRate, bitsPerByte: options.bitsPerByte ?? 10 };
    const maxPacketBytes = device.config.bufSizeBytes;
    const decoder = new ConsoleFrameDecoder({ maxPacketBytes });
    const faults = device.linkFaults;
    const reply = (response: Uint8Array): void => {
      const verdict = faults.decide('from-device', response);
      if (verdict.kind === 'drop') return;
      const noise = faults.noiseLine();
      if (noise !== undefined) this.#fromDevice.push(Buffer.from(noise));
      const stream = encodeConsoleStream(response);
      this.#fromDevice.push(
        verdict.kind === 'corrupt' ? corruptConsoleStream(stream, verdict.unit, verdict.bit) : stream,
      );
      if (verdict.kind === 'duplicate') this.#fromDevice.push(stream);
    };
    const deliver = (packet: Uint8Array): void => {
      const verdict = faults.decide('to-device', packet);
      if (verdict.kind === 'pass') device.receive(packet, reply);
      else if (verdict.kind === 'duplicate') {
        device.receive(packet, reply);
        device.receive(new Uint8Array(packet), reply);
      } else if (verdict.kind === 'corrupt') {
        // The same packet with a bit flipped on the line, through a decoder of its own (the main
        // decoder may hold the start of the next frame): its CRC check drops it.
        const damaged = corruptConsoleStream(encodeConsoleStream(packet), verdict.unit, verdict.bit);
        for (const event of new ConsoleFrameDecoder({ maxPacketBytes }).push(damaged)) {
          if (event.kind === 'packet') device.receive(event.packet, reply);
          else this.#droppedFrames += 1;
        }
      }
    };
    const latencyMs = options.usbLatencyTimerMs ?? 0;
    this.#usbLatency =
      latencyMs > 0 ? new UsbSerialLatency({ latencyMs }, (bytes) => endpoint.write(bytes)) : undefined;
    this.#fromDevice = new DeadlinePacer(pacing, (bytes) =>
      this.#usbLatency ? this.#usbLatency.push(bytes) : endpoint.write(bytes),
    );
    this.#toDevice = new DeadlinePacer(pacing, (bytes) => {
      for (const event of decoder.push(bytes)) {
        if (event.kind === 'packet') deliver(event.packet);
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
    this.#usbLatency?.stop();
    await this.#endpoint.close();
  }
}
