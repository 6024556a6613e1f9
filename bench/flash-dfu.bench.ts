import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { flashOverDfu } from '../main/core/drivers/dfu/flash-over-dfu';
import { silentLogger } from '../main/core/ports/logger';
import { startDfuLab } from '../e2e/lab/devices/dfu/dfu-lab-fixture';
import { median, type BenchResult, type Measurement } from './bench-result';
import { round } from './flash-bench-support';

const RUNS = 3;
const IMAGE_BYTES = 192 * 1024;

/** A lab DFU device: wTransferSize and the flash time per KiB it announces as bwPollTimeout. */
interface DfuDeviceModel {
  label: string;
  transferSizeBytes: number;
  flashMsPerKiB: number;
}

/** A fast small-block bootloader, and an STM32-class one with large blocks and slower flash. */
const MODELS: readonly DfuDeviceModel[] = [
  { label: '1 KiB blocks, 8 ms/KiB', transferSizeBytes: 1024, flashMsPerKiB: 8 },
  { label: '4 KiB blocks, 5 ms/KiB', transferSizeBytes: 4096, flashMsPerKiB: 5 },
];

interface DfuRun {
  bytesPerSecond: number;
  statusPolls: number;
  earlyPolls: number;
}

/**
 * DFU download (quality.md): the driver the flash jobs use (`flashOverDfu`: download, manifest, UPLOAD
 * read-back, back to run-time) against the lab DFU bootloader on the in-memory virtual USB bus; only
 * the download phase is timed (first DNLOAD to the last block's dfuDNLOAD-IDLE). The ceiling is what
 * the device allows: one wTransferSize block per bwPollTimeout, the announced busy time after each
 * block, i.e. the same device driven block by block with no slack at all. The virtual bus adds no bus
 * time to control transfers, so the figure is the driver's own overhead (polling, timers, copying).
 * Incompressible 192 KiB image; median of 3 runs per device model.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const results = [];
  for (const model of MODELS) results.push({ model, runs: await measure(model) });
  const figures: Measurement[] = results.map(({ model, runs }) => ({
    name: `flash-dfu ${model.label}, fraction of wTransferSize/bwPollTimeout`,
    value: round(median(runs.map((run) => run.bytesPerSecond)) / ceilingBytesPerSecond(model)),
    unit: '× ceiling',
    target: 0.9,
    higherIsBetter: true,
  }));
  const [headline, ...also] = figures;
  const conditions: Record<string, string | number> = {
    runsPerFigure: RUNS,
    statistic: 'median of runs',
    imageBytes: IMAGE_BYTES,
    workload: 'incompressible image; full flashOverDfu journey, download phase timed',
    ceiling: 'wTransferSize bytes per announced bwPollTimeout (ceil(block KiB × flash ms/KiB))',
    bus: 'lab virtual USB bus in this process: control transfers take no bus time',
  };
  for (const { model, runs } of results) {
    conditions[`${model.label} ceilingBytesPerSecond`] = Math.round(ceilingBytesPerSecond(model));
    conditions[`${model.label} bytesPerSecond`] = runs.map((run) => Math.round(run.bytesPerSecond)).join(' ');
    conditions[`${model.label} statusPollsPerBlock`] = round(
      median(runs.map((run) => run.statusPolls)) / Math.ceil(IMAGE_BYTES / model.transferSizeBytes),
    );
    conditions[`${model.label} earlyPolls`] = runs.map((run) => run.earlyPolls).join(' ');
  }
  return { ...headline!, also, conditions, measuredAt: new Date().toISOString() };
}

function ceilingBytesPerSecond(model: DfuDeviceModel): number {
  const pollTimeoutMs = Math.ceil((model.transferSizeBytes / 1024) * model.flashMsPerKiB);
  return (model.transferSizeBytes * 1000) / pollTimeoutMs;
}

async function measure(model: DfuDeviceModel): Promise<DfuRun[]> {
  const runs: DfuRun[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const lab = await startDfuLab({
      transferSizeBytes: model.transferSizeBytes,
      flashMsPerKiB: model.flashMsPerKiB,
      flashBytes: 256 * 1024,
    });
    try {
      const image = new Uint8Array(randomBytes(IMAGE_BYTES));
      let startedMs = 0;
      let endedMs = 0;
      const { download } = await flashOverDfu(lab.bus, lab.device.config.serialNumber, image, {
        logger: silentLogger,
        onProgress: (progress) => {
          if (progress.phase !== 'download') return;
          if (progress.bytesDone === 0) startedMs = performance.now();
          if (progress.bytesDone === progress.bytesTotal) endedMs = performance.now();
        },
      });
      if (download.verification !== 'verified-by-upload')
        throw new Error('the benchmark image was not read back');
      runs.push({
        bytesPerSecond: (image.length * 1000) / (endedMs - startedMs),
        statusPolls: lab.device.traffic.countOf('GETSTATUS'),
        earlyPolls: lab.device.traffic.earlyPolls,
      });
    } finally {
      await lab.stop();
    }
  }
  return runs;
}
