import { FlashRig } from '../e2e/flash/flash-lab-rig';
import { median, type BenchResult, type Measurement } from './bench-result';
import { consoleFramingCeiling, randomTarget, rigSession, round, timedFlash } from './flash-bench-support';

const RUNS = 3;
const BUF_SIZE_BYTES = 2048;
const BUF_COUNT = 4;
/** A realistic MCUboot image (quality.md workloads); at 115200 a smaller one keeps a run under 15 s. */
const IMAGE_BYTES: Record<number, number> = { 115_200: 96 * 1024, 921_600: 370 * 1024 };
/** nRF52-class flash (quality.md: roughly 30–50 KB/s): 40 KB/s programming, 85 ms per 4 KiB sector erase. */
const REALISTIC_FLASH = { writeBytesPerSecond: 40_000, sectorBytes: 4096, sectorEraseMs: 85 };
const MAX_PACING_LAG = 0.01;

interface SerialRun {
  fraction: number;
  bytesPerSecond: number;
  lagFraction: number;
}

/**
 * SMP upload over serial with console framing (quality.md): the flasher's upload step against a lab
 * device on a socat pty, both directions deadline-paced at the baud rate, opened with the real serialport
 * adapter; 2 KiB packets (`buf_size`), `buf_count` 4 (three requests in flight). Fraction of line rate
 * (baud / 10 bytes/s) beside the framing ceiling computed from the real encoder. Flash is instant for
 * the protocol figures; a realistic flash model gives the fraction of the binding ceiling
 * min(framing ceiling × line rate, flash rate). A run whose pacer fell behind by more than 1 % of its
 * duration is rejected and repeated. Median of 3 runs each.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const ceiling = consoleFramingCeiling(BUF_SIZE_BYTES);
  const slow = await measure(115_200, {});
  const fast = await measure(921_600, {});
  const latency = await measure(921_600, {}, 16);
  const flashBound = await measure(921_600, REALISTIC_FLASH);
  const lineRate = 921_600 / 10;
  const flashRate =
    1 /
    (1 / REALISTIC_FLASH.writeBytesPerSecond +
      REALISTIC_FLASH.sectorEraseMs / 1000 / REALISTIC_FLASH.sectorBytes);
  const bindingCeiling = Math.min(ceiling.fraction * lineRate, flashRate);
  const also: Measurement[] = [
    {
      name: 'flash-smp-serial 115200 fraction of line rate',
      value: round(median(slow.map((run) => run.fraction))),
      unit: '× line',
      target: 0.65,
      higherIsBetter: true,
    },
    // quality.md: report with and without a USB-serial bridge's latency timer; held to the same target.
    {
      name: 'flash-smp-serial 921600 with 16 ms USB latency timer',
      value: round(median(latency.map((run) => run.fraction))),
      unit: '× line',
      target: 0.6,
      higherIsBetter: true,
    },
    {
      name: 'flash-smp-serial 921600 realistic flash, fraction of binding ceiling',
      value: round(median(flashBound.map((run) => run.bytesPerSecond)) / bindingCeiling),
      unit: '× ceiling',
      target: 0.9,
      higherIsBetter: true,
    },
  ];
  return {
    name: 'flash-smp-serial 921600 fraction of line rate',
    value: round(median(fast.map((run) => run.fraction))),
    unit: '× line',
    target: 0.6,
    higherIsBetter: true,
    also,
    conditions: {
      framingCeiling: round(ceiling.fraction),
      ceilingDerivation: `${ceiling.dataBytes} image bytes per ${ceiling.lineBytes} line bytes in a ${BUF_SIZE_BYTES}-byte packet`,
      runsPerFigure: RUNS,
      statistic: 'median of runs',
      bufSizeBytes: BUF_SIZE_BYTES,
      bufCount: BUF_COUNT,
      inFlight: BUF_COUNT - 1,
      imageBytes115200: IMAGE_BYTES[115_200]!,
      imageBytes921600: IMAGE_BYTES[921_600]!,
      runs115200: slow.map((run) => round(run.fraction)).join(' '),
      runs921600: fast.map((run) => round(run.fraction)).join(' '),
      runs921600LatencyTimer: latency.map((run) => round(run.fraction)).join(' '),
      realisticFlash: `${REALISTIC_FLASH.writeBytesPerSecond} B/s + ${REALISTIC_FLASH.sectorEraseMs} ms per ${REALISTIC_FLASH.sectorBytes} B sector = ${Math.round(flashRate)} B/s`,
      realisticFlashBytesPerSecond: flashBound.map((run) => Math.round(run.bytesPerSecond)).join(' '),
      bindingCeilingBytesPerSecond: Math.round(bindingCeiling),
      maxPacingLagFraction: round(
        Math.max(...[...slow, ...fast, ...latency, ...flashBound].map((run) => run.lagFraction)),
        5,
      ),
      published: 'best published client: 0.335 of line (console), 0.447 (raw UART) at 921600',
      workload:
        'incompressible MCUboot image, full flash (upload, verify, test, reset, confirm); only the upload step is timed',
    },
    measuredAt: new Date().toISOString(),
  };
}

async function measure(
  baudRate: number,
  flash: Record<string, number>,
  usbLatencyTimerMs = 0,
): Promise<SerialRun[]> {
  const runs: SerialRun[] = [];
  let rejected = 0;
  const imageBytes = flash.writeBytesPerSecond ? 128 * 1024 : IMAGE_BYTES[baudRate]!;
  while (runs.length < RUNS) {
    if (rejected > RUNS)
      throw new Error(`${rejected} runs at ${baudRate} baud were rejected for pacing lag over 1 %`);
    const rig = await FlashRig.start({
      transport: 'serial',
      baudRate,
      usbLatencyTimerMs,
      config: {
        bufSizeBytes: BUF_SIZE_BYTES,
        bufCount: BUF_COUNT,
        flash,
        serialNumber: `FL-BENCH-${baudRate}`,
      },
    });
    try {
      const target = randomTarget(`1.${runs.length + 1}.${rejected}`, imageBytes);
      const { uploadMs } = await timedFlash(rigSession(rig), target);
      const stats = rig.serialLinkStats;
      const lagMs = Math.max(stats?.toDevice.maxLagMs ?? 0, stats?.fromDevice.maxLagMs ?? 0);
      const lagFraction = lagMs / uploadMs;
      if (lagFraction > MAX_PACING_LAG) {
        rejected += 1;
        continue;
      }
      const bytesPerSecond = (target.bytes.length * 1000) / uploadMs;
      runs.push({ fraction: bytesPerSecond / (baudRate / 10), bytesPerSecond, lagFraction });
    } finally {
      await rig.stop();
    }
  }
  return runs;
}
