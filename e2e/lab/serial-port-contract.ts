import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleFrameDecoder } from '../../main/core/drivers/smp/console-frame-decoder';
import { encodeConsoleStream } from '../../main/core/drivers/smp/console-frame-encoder';
import { SmpOp } from '../../main/core/drivers/smp/smp-header';
import { decodeSmpPacket, encodeSmpPacket } from '../../main/core/drivers/smp/smp-packet';
import type { SerialPort, SerialPorts } from '../../main/core/ports/serial-port';

/** What a contract run needs: the ports implementation and a path with an MCUmgr (SMP) device behind it. */
export interface SerialPortContractTarget {
  ports: SerialPorts;
  path: string;
  baudRate: number;
  /** Pseudo-terminals have no modem-control lines: `not-supported` is then the only right answer. */
  hasControlLines: boolean | 'unknown';
}

/**
 * The SerialPort contract (architecture.md: "One contract test suite per port runs against the simulator
 * always, and against real hardware when an environment variable names it"). Round trips use an SMP echo
 * in console framing (protocols.md §1), so any MCUmgr-capable board can serve as the far end.
 */
export function describeSerialPortContract(name: string, target: () => SerialPortContractTarget): void {
  describe(`SerialPort contract: ${name}`, () => {
    const opened: SerialPort[] = [];
    const open = async (): Promise<SerialPort> => {
      const { ports, path, baudRate } = target();
      const port = await ports.open(path, { baudRate });
      opened.push(port);
      return port;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((port) => port.close()));
    });

    it('opens the port under the path it was given', async () => {
      expect((await open()).path).toBe(target().path);
    });

    it('carries written bytes to the device and its answer back through onData', async () => {
      const port = await open();
      await expect(smpEcho(port, 'contract', 1)).resolves.toBe('contract');
      // A packet longer than one 127-byte frame crosses as several writes' worth of frames.
      await expect(smpEcho(port, 'x'.repeat(150), 2)).resolves.toBe('x'.repeat(150));
    });

    it('answers control-line changes with applied or not-supported, never an error', async () => {
      const port = await open();
      const outcome = await port.setControlLines({ dtr: true, rts: false });
      const { hasControlLines } = target();
      if (hasControlLines === 'unknown') expect(['applied', 'not-supported']).toContain(outcome);
      else expect(outcome).toBe(hasControlLines ? 'applied' : 'not-supported');
    });

    it('closes once: onClose fires without a reason, later writes fail with TRANSPORT_CLOSED, close again is harmless', async () => {
      const port = await open();
      const reasons: unknown[] = [];
      port.onClose((reason) => reasons.push(reason));
      await port.close();
      await port.close();
      expect(reasons).toEqual([undefined]);
      await expect(port.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    });

    it('can be opened again after closing', async () => {
      await (await open()).close();
      await expect(smpEcho(await open(), 'again', 3)).resolves.toBe('again');
    });

    it('fails with NOT_FOUND for a path that does not exist', async () => {
      const { ports, baudRate } = target();
      await expect(ports.open('/dev/fieldline-no-such-port', { baudRate })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('fails with CANCELLED when the signal is already aborted', async () => {
      const { ports, path, baudRate } = target();
      await expect(ports.open(path, { baudRate }, AbortSignal.abort())).rejects.toMatchObject({
        code: 'CANCELLED',
      });
    });
  });
}

/** Sends an SMP echo (OS group, id 0) with console framing and waits for the matching answer. */
async function smpEcho(port: SerialPort, text: string, seq: number): Promise<string> {
  const decoder = new ConsoleFrameDecoder();
  const answer = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no SMP echo answer within 5 s')), 5_000);
    const subscription = port.onData((bytes) => {
      for (const event of decoder.push(bytes)) {
        if (event.kind !== 'packet') continue;
        const packet = decodeSmpPacket(event.packet);
        if (packet.seq !== seq) continue;
        clearTimeout(timer);
        subscription.dispose();
        resolve(typeof packet.body.r === 'string' ? packet.body.r : JSON.stringify(packet.body));
      }
    });
  });
  await port.write(
    encodeConsoleStream(
      encodeSmpPacket({
        op: SmpOp.write,
        version: 1,
        flags: 0,
        group: 0,
        seq,
        commandId: 0,
        body: { d: text },
      }),
    ),
  );
  return answer;
}
