import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab, type RunningLab, type RunningLabDevice } from './lab-runner';
import { loadScenario } from './scenario';

/**
 * `npm run lab -- --scenario e2e/lab/scenarios/demo.yaml [--state-dir DIR] [--json] [--advertise]`
 * Starts a scenario's devices, prints where each one is, and stops them all on SIGINT/SIGTERM.
 * `--advertise` announces UDP devices over mDNS (multicast; see README.md).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      'state-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      advertise: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.scenario) {
    console.log(
      'usage: npm run lab -- --scenario <file.yaml> [--state-dir <dir>] [--json] [--advertise]\n' +
        '  --advertise  announce UDP devices over mDNS as _mcumgr._udp (multicast: on shared machines\n' +
        '               run inside e2e/support/in-private-network.sh)',
    );
    return values.help ? 0 : 2;
  }
  const scenarioPath = resolve(values.scenario);
  const scenario = await loadScenario(scenarioPath);
  const stateRoot = resolve(
    values['state-dir'] ?? join(tmpdir(), 'fieldline-lab', basename(scenarioPath, extname(scenarioPath))),
  );
  const isAdvertised = values.advertise || scenario.advertise;
  const lab = await startLab(scenario, stateRoot, { isAdvertised });
  const stopped = stopOnSignal(lab);
  // What a station process on this machine needs to find the lab's serial devices and UF2 drives.
  const stationEnv = {
    FIELDLINE_SERIAL_GLOBS: join(stateRoot, '*', 'pty', 'app'),
    FIELDLINE_DRIVE_FOLDERS: lab.driveRoot,
  };
  if (values.json) {
    console.log(
      JSON.stringify({
        ready: true,
        scenario: scenario.name,
        advertised: isAdvertised,
        stationEnv,
        devices: lab.devices.map((device) => ({
          name: device.name,
          family: device.family,
          stateDir: device.stateDir,
          ...device.address,
        })),
      }),
    );
  } else {
    console.log(`Fieldline device lab: scenario "${scenario.name}", state under ${stateRoot}`);
    for (const device of lab.devices)
      console.log(
        `  ${device.name.padEnd(20)} ${describeAddress(device)}\n  ${''.padEnd(20)} state ${device.stateDir}`,
      );
    if (isAdvertised) console.log('UDP devices are advertised over mDNS as _mcumgr._udp.');
    console.log(
      `For a station on this machine: ${Object.entries(stationEnv)
        .map(([name, value]) => `${name}='${value}'`)
        .join(' ')}`,
    );
    if (lab.devices.some((device) => device.family === 'dfu'))
      console.log(
        "USB devices sit on the lab's virtual bus, in this process only: a separate station cannot see them\n" +
          '(tests and benchmarks start the lab in process and pass lab.usbBus to discovery).',
      );
    console.log('Ready. Ctrl-C stops every device.');
  }
  return stopped;
}

function describeAddress(device: RunningLabDevice): string {
  const address = device.address;
  switch (address.kind) {
    case 'udp':
      return `SMP over UDP  ${address.address}:${address.port}`;
    case 'serial':
      return `SMP serial    ${address.path} -> ${address.device} (${address.baudRate} baud, socat pid ${address.socatPid})`;
    case 'usb':
      return `USB DFU       lab bus ${address.address}, ${hex(address.vendorId)}:${hex(address.productId)} (${address.mode} mode), serial ${address.serialNumber}`;
    case 'drive':
      return `UF2 drive     ${address.folder}${address.serialNumber === null ? '' : `, serial ${address.serialNumber}`}`;
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** Resolves with the exit code once a signal arrived and every device (and socat) has stopped. */
function stopOnSignal(lab: RunningLab): Promise<number> {
  return new Promise((resolveExit) => {
    let isStopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (isStopping) return;
      isStopping = true;
      console.log(`${signal}: stopping the lab…`);
      lab.stop().then(
        () => {
          console.log('Lab stopped.');
          resolveExit(0);
        },
        (error: unknown) => {
          console.error('Lab stopped with an error:', error);
          resolveExit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
