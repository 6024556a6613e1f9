import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The line prefix `bench/station-load` looks for on the station's stderr. */
export const EVENT_LOOP_REPORT_PREFIX = 'fieldline event-loop-delay ';

export interface EventLoopReport {
  /** Writes one line with the delay percentiles since the start (or the last SIGUSR2) and stops measuring. */
  finish(): void;
}

/**
 * `FIELDLINE_EVENT_LOOP_REPORT=1`: the station measures its main thread's event-loop delay
 * (quality.md: p99 < 50 ms while 16 ports flash) and prints it to stderr when it stops. SIGUSR2 starts
 * the measurement over, so a benchmark can leave startup out of the figure. Off by default: nothing to
 * measure, no signal handler.
 */
export function startEventLoopReport(env: NodeJS.ProcessEnv, write: (line: string) => void): EventLoopReport {
  if (env['FIELDLINE_EVENT_LOOP_REPORT'] !== '1') return { finish: () => undefined };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const restart = (): void => histogram.reset();
  process.on('SIGUSR2', restart);
  return {
    finish: () => {
      histogram.disable();
      process.off('SIGUSR2', restart);
      const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1e4) / 100;
      const figures = {
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        samples: histogram.count,
      };
      write(`${EVENT_LOOP_REPORT_PREFIX}${JSON.stringify(figures)}\n`);
    },
  };
}
