// Test-only station entry: the real `npm run station` (main/host/station-main.ts) with the device lab's
// in-memory USB bus injected as its UsbBus, and the lab's DFU devices plugged into that bus. Started by
// lab-station-process.ts as `node --import tsx e2e/support/lab-station-main.ts '<config JSON>'`.
// Everything above the lowest adapter is the product's: the station server, the runtime, USB discovery
// and the registry see the virtual bus exactly as they would see libusb (architecture.md).
import { runStation } from '../../main/host/station-main';
import { startLab, type RunningLab } from '../lab/lab-runner';
import { parseScenario } from '../lab/scenario';
import {
  labStationConfigSchema,
  labStationRequestSchema,
  type LabStationReply,
  type LabStationRequest,
} from './lab-station-protocol';

async function main(): Promise<number> {
  const config = labStationConfigSchema.parse(JSON.parse(process.argv[2] ?? 'null'));
  const scenario = parseScenario(config.scenarioYaml, `${config.labStateRoot}/scenario.yaml`);
  // Serial and UDP devices are real to every process: the test runs them itself, so it can pull their
  // cables. Only the USB bus cannot cross a process boundary, so only DFU devices belong here.
  const misplaced = scenario.devices.filter((device) => device.family !== 'dfu');
  if (misplaced.length > 0) {
    process.stderr.write(
      `lab station: only DFU devices run inside the station process; start ${misplaced
        .map((device) => `${device.name} (${device.family})`)
        .join(', ')} in the test instead\n`,
    );
    return 2;
  }
  const lab = await startLab(scenario, config.labStateRoot);
  const stopControl = listenForRequests(lab);
  try {
    return await runStation(config.stationArgs, { usbBus: lab.usbBus });
  } finally {
    stopControl();
    await lab.stop();
  }
}

/**
 * The test's hand on the USB cables: requests over the IPC channel, one reply each. When the channel
 * closes (the test process went away), the station stops as on SIGTERM, so it never outlives the test.
 */
function listenForRequests(lab: RunningLab): () => void {
  const onMessage = (message: unknown): void => {
    const parsed = labStationRequestSchema.safeParse(message);
    if (!parsed.success) return;
    process.send?.(handle(lab, parsed.data));
  };
  const onDisconnect = (): void => {
    process.kill(process.pid, 'SIGTERM');
  };
  process.on('message', onMessage);
  process.on('disconnect', onDisconnect);
  return () => {
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
    if (process.connected) process.disconnect();
  };
}

function handle(lab: RunningLab, request: LabStationRequest): LabStationReply {
  const running = lab.devices.find((device) => device.name === request.device);
  if (running === undefined || running.family !== 'dfu') {
    return { id: request.id, ok: false, error: `no lab DFU device named "${request.device}"` };
  }
  const port = running.address.address;
  try {
    if (request.kind === 'unplug-usb') lab.usbBus.unplug(port);
    else lab.usbBus.plug(running.device, port);
    return { id: request.id, ok: true };
  } catch (error: unknown) {
    // e.g. plugging a device into a port that is still taken (ALREADY_EXISTS).
    return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lab station failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
