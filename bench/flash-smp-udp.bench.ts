import { uploadImage } from '../main/core/drivers/smp/image-upload';
import { SmpClient } from '../main/core/drivers/smp/smp-client';
import { openSmpLink } from '../main/core/drivers/smp/smp-flasher-link';
import { NodeDatagramNetwork } from '../main/adapters/udp/node-datagram-network';
import { median, type BenchResult } from './bench-result';
import {
  labSession,
  randomTarget,
  round,
  startLabProcess,
  timedFlash,
  type LabProcess,
} from './flash-bench-support';

const RUNS = 3;
const ADDED_ROUND_TRIP_MS = 5;
const BUF_SIZE_BYTES = 2048;
/** Packets the device holds: the flasher keeps buf_count − 1 = 7 requests in flight. */
const BUF_COUNT = 8;
const IMAGE_BYTES = 512 * 1024;
/** The flash model for the flash-bound figure: nRF52-class programming rate and sector erase. */
const FLASH = { writeBytesPerSecond: 40_000, sectorBytes: 4096, sectorEraseMs: 85 };
const FLASH_IMAGE_BYTES = 128 * 1024;

/**
 * SMP upload over UDP (quality.md): loopback with 5 ms added round trip, device `buf_size` 2 KiB, the
 * lab device in a process of its own (flash-lab.fixture.ts).
 * (1) The flasher's pipelined upload against the same upload one request at a time, instant flash, so
 * the round trip is what limits: pipelined ≥ 4× faster. (2) With an nRF52-class flash model the upload
 * against the device's modelled flash rate (programming plus sector erase): ≥ 0.9. Median of 3 runs.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const pipelined: number[] = [];
  const serialised: number[] = [];
  const flashBound: number[] = [];
  await withLab({}, async (lab) => {
    for (let run = 0; run < RUNS; run += 1) {
      const target = randomTarget(`2.0.${run}`, IMAGE_BYTES);
      pipelined.push(
        rate(target.bytes.length, (await timedFlash(labSession(lab.devices[0]!), target)).uploadMs),
      );
      serialised.push(await oneAtATime(lab, run));
    }
  });
  await withLab(FLASH, async (lab) => {
    for (let run = 0; run < RUNS; run += 1) {
      const target = randomTarget(`2.2.${run}`, FLASH_IMAGE_BYTES);
      flashBound.push(
        rate(target.bytes.length, (await timedFlash(labSession(lab.devices[0]!), target)).uploadMs),
      );
    }
  });
  const speedups = pipelined.map((value, index) => value / serialised[index]!);
  const flashRate = 1 / (1 / FLASH.writeBytesPerSecond + FLASH.sectorEraseMs / 1000 / FLASH.sectorBytes);
  return {
    name: 'flash-smp-udp pipelined vs one request at a time',
    value: round(median(speedups), 2),
    unit: '×',
    target: 4,
    higherIsBetter: true,
    also: [
      {
        name: 'flash-smp-udp fraction of modelled flash rate',
        value: round(median(flashBound) / flashRate),
        unit: '× flash rate',
        target: 0.9,
        higherIsBetter: true,
      },
    ],
    conditions: {
      addedRoundTripMs: ADDED_ROUND_TRIP_MS,
      bufSizeBytes: BUF_SIZE_BYTES,
      bufCount: BUF_COUNT,
      inFlight: BUF_COUNT - 1,
      imageBytes: IMAGE_BYTES,
      pipelinedBytesPerSecond: pipelined.map(Math.round).join(' '),
      oneAtATimeBytesPerSecond: serialised.map(Math.round).join(' '),
      ceilingOneAtATime: `${Math.round((2000 * 1000) / ADDED_ROUND_TRIP_MS)} B/s (one ~2 KB chunk per round trip)`,
      ceilingPipelined: `${Math.round((2000 * (BUF_COUNT - 1) * 1000) / ADDED_ROUND_TRIP_MS)} B/s (${BUF_COUNT - 1} chunks per round trip)`,
      flashModel: `${FLASH.writeBytesPerSecond} B/s + ${FLASH.sectorEraseMs} ms per ${FLASH.sectorBytes} B sector = ${Math.round(flashRate)} B/s`,
      flashBoundBytesPerSecond: flashBound.map(Math.round).join(' '),
      flashImageBytes: FLASH_IMAGE_BYTES,
      runs: RUNS,
      statistic: 'median of runs',
    },
    measuredAt: new Date().toISOString(),
  };
}

async function withLab(
  flash: Record<string, number>,
  work: (lab: LabProcess) => Promise<void>,
): Promise<void> {
  const lab = await startLabProcess(1, {
    transport: 'udp',
    addedRoundTripMs: ADDED_ROUND_TRIP_MS,
    config: { bufSizeBytes: BUF_SIZE_BYTES, bufCount: BUF_COUNT, flash },
  });
  try {
    await work(lab);
  } finally {
    await lab.stop();
  }
}

/** The reference: the same uploader, one request on the wire at a time. */
async function oneAtATime(lab: LabProcess, run: number): Promise<number> {
  const target = randomTarget(`2.1.${run}`, IMAGE_BYTES);
  const link = await openSmpLink({ datagrams: new NodeDatagramNetwork() }, lab.devices[0]!.endpoint);
  const client = new SmpClient(link.transport, { maxInFlight: 1, timeoutMs: 3_000 });
  try {
    const started = performance.now();
    await uploadImage(client, target.bytes, { deviceBufSizeBytes: BUF_SIZE_BYTES, maxInFlight: 1 });
    return rate(target.bytes.length, performance.now() - started);
  } finally {
    client.dispose();
    await link.close();
  }
}

function rate(bytes: number, ms: number): number {
  return (bytes * 1000) / ms;
}
