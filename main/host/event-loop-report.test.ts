import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_REPORT_PREFIX, startEventLoopReport } from './event-loop-report';

describe('the event-loop delay report', () => {
  it('prints nothing and installs no signal handler unless FIELDLINE_EVENT_LOOP_REPORT=1', () => {
    const lines: string[] = [];
    const before = process.listenerCount('SIGUSR2');
    startEventLoopReport({}, (line) => lines.push(line)).finish();
    expect(lines).toEqual([]);
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('reports the delay of a blocked event loop as one JSON line, then removes its handler', async () => {
    const lines: string[] = [];
    const before = process.listenerCount('SIGUSR2');
    const report = startEventLoopReport({ FIELDLINE_EVENT_LOOP_REPORT: '1' }, (line) => lines.push(line));
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const blockUntil = performance.now() + 120;
    while (performance.now() < blockUntil); // a stalled main thread, as a synchronous parse of a huge answer would be
    await new Promise((resolve) => setTimeout(resolve, 30));
    report.finish();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.startsWith(EVENT_LOOP_REPORT_PREFIX)).toBe(true);
    const figures = JSON.parse(lines[0]!.slice(EVENT_LOOP_REPORT_PREFIX.length)) as { maxMs: number; samples: number };
    expect(figures.maxMs).toBeGreaterThanOrEqual(100);
    expect(figures.samples).toBeGreaterThan(0);
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });
});
