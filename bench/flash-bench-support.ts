import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SerialportPorts } from '../main/adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../main/adapters/udp/node-datagram-network';
import { encodeConsoleStream } from '../main/core/drivers/smp/console-frame-encoder';
import { encodeSmpPacket } from '../main/core/drivers/smp/smp-packet';
import { SmpOp } from '../main/core/drivers/smp/smp-header';
import { SmpFlasher, type SmpFlashTarget } from '../main/core/drivers/smp/smp-flasher';
import { FRESH_FLASH_MEMORY } from '../main/core/drivers/smp/smp-flasher-plan';
import { SmpFlashSession } from '../main/core/drivers/smp/smp-flasher-session';
import { largestDataThatFits } from '../main/core/drivers/smp/upload-chunk-size';
import type { SmpEndpoint, SmpLinkPorts } from '../main/core/drivers/smp/smp-flasher-link';
import type { FlashRig, FlashRigOptions } from '../e2e/flash/flash-lab-rig';
import { flashTargetOf } from '../e2e/flash/flash-test-images';
import { buildMcubootImage } from '../e2e/lab/devices/smp/mcuboot-image-builder';
import { parseImageVersion } from '../e2e/lab/devices/smp/mcuboot-image-format';

/** An MCUboot image with an incompressible body (quality.md workloads), and its flash target. */
export function randomTarget(version: string, totalBytes: number): SmpFlashTarget {
  const body = new Uint8Array(randomBytes(Math.max(1024, totalBytes - 0x200 - 64)));
  return flashTargetOf(buildMcubootImage({ version: parseImageVersion(version), body }), version);
}

/**
 * The console framing ceiling for upload packets of `bufSizeBytes` (protocols.md §1): image bytes per
 * byte on the line toward the device, for a mid-image chunk that fills the packet. Answers travel the
 * other direction of the full-duplex line and cost nothing here.
 */
export function consoleFramingCeiling(bufSizeBytes: number): {
  dataBytes: number;
  lineBytes: number;
  fraction: number;
} {
  const body = { off: 0x80000 };
  const dataBytes = largestDataThatFits(body, bufSizeBytes);
  const packet = encodeSmpPacket({
    op: SmpOp.write,
    version: 1,
    flags: 0,
    group: 1,
    seq: 7,
    commandId: 1,
    body: { ...body, data: new Uint8Array(dataBytes) },
  });
  const lineBytes = encodeConsoleStream(packet).length;
  return { dataBytes, lineBytes, fraction: dataBytes / lineBytes };
}

/**
 * One full flash (upload, verify, test, reset, confirm) through `session`, timing the upload step alone
 * (first chunk sent → last offset confirmed). The session is closed afterwards.
 */
export async function timedFlash(
  session: SmpFlashSession,
  target: SmpFlashTarget,
): Promise<{ uploadMs: number }> {
  let startedMs = 0;
  let uploadMs = 0;
  await session.connect();
  try {
    const outcome = await new SmpFlasher(
      session,
      target,
      { ...FRESH_FLASH_MEMORY },
      {
        onStep: (step) => {
          if (step === 'upload') startedMs = performance.now();
        },
        checkpoint: (step) => {
          if (step === 'upload') uploadMs = performance.now() - startedMs;
          return Promise.resolve();
        },
      },
    ).run();
    if (outcome.kind !== 'confirmed' || outcome.evidence.isUploadSkipped)
      throw new Error(`flash did not upload and confirm: ${outcome.kind}`);
  } finally {
    await session.close();
  }
  return { uploadMs };
}

/** A flash session to an in-process rig's device. */
export function rigSession(rig: FlashRig): SmpFlashSession {
  return new SmpFlashSession({
    ports: rig.ports,
    endpoint: rig.endpoint,
    expectedHardwareId: rig.hardwareId,
    requestTimeoutMs: 3_000,
  });
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface LabProcess {
  devices: { endpoint: SmpEndpoint; hardwareId: string }[];
  stop(): Promise<void>;
}

const LAB_FIXTURE = fileURLToPath(new URL('./flash-lab.fixture.ts', import.meta.url));

/** Starts `count` lab devices in a separate process (flash-lab.fixture.ts); `stop` waits until it exited. */
export async function startLabProcess(count: number, rig: FlashRigOptions): Promise<LabProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', LAB_FIXTURE, JSON.stringify({ count, rig })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const ready = await new Promise<{ devices: LabProcess['devices'] }>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { devices: LabProcess['devices'] });
    });
    child.once('exit', (code) => reject(new Error(`the lab process exited (${code}) before it was ready`)));
  });
  return {
    devices: ready.devices,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A flash session to a device of a lab process. */
export function labSession(device: LabProcess['devices'][number]): SmpFlashSession {
  return new SmpFlashSession({
    ports: LAB_PORTS,
    endpoint: device.endpoint,
    expectedHardwareId: device.hardwareId,
    requestTimeoutMs: 3_000,
  });
}

const LAB_PORTS: SmpLinkPorts = { serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() };
