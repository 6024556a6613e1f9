import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderLineMetrics } from '../core/line/line-metrics';
import { silentLogger } from '../core/ports/logger';
import { makeTempDir } from '../test-support/temp-dir';
import { openStationRuntime, type StationRuntime } from './runtime';
import { startStationServer, type StationServer } from './station-server';

let dir: ReturnType<typeof makeTempDir>;
let runtime: StationRuntime;
let server: StationServer;

beforeEach(async () => {
  dir = makeTempDir();
  runtime = await openStationRuntime({
    dataDir: join(dir.path, 'data'),
    host: 'station',
    logger: silentLogger,
    version: '0.0.0-test',
    enableMdns: false,
    enableSerialDiscovery: false,
    enableUsbDiscovery: false,
    enableDriveDiscovery: false,
  });
  server = await startStationServer({
    endpoint: runtime,
    logger: silentLogger,
    port: 0,
    rendererDir: dir.path,
    metrics: () => renderLineMetrics(runtime.core.line.snapshot()),
    metricsPort: 0,
  });
});

afterEach(async () => {
  await server.close();
  await runtime.close();
  dir.remove();
});

describe('the station’s /metrics', () => {
  it('serves the line’s counters without the token, on the station port and on the metrics port', async () => {
    for (const port of [server.port, server.metricsPort!]) {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      expect(text).toContain('fieldline_line_devices_passed_total 0');
      expect(text).toContain('fieldline_line_state{state="not-configured"} 1');
    }
  });

  it('serves nothing else on the metrics port', async () => {
    expect(server.metricsPort).not.toBe(server.port);
    const response = await fetch(`http://127.0.0.1:${server.metricsPort}/`);
    expect(response.status).toBe(404);
  });
});
