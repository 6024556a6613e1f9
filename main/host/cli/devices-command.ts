import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { openCliCore } from './open-cli-core';

/** Lists the devices the ledger knows: one JSON line each with --json, a table otherwise. */
export async function listDevices(output: CliOutput, dataDir: string | undefined): Promise<number> {
  const { core, close } = openCliCore(dataDir);
  try {
    const devices = core.devices.list();
    if (output.isJson) {
      for (const device of devices) await writeLine(output.stdout, JSON.stringify(device));
      return EXIT.ok;
    }
    if (devices.length === 0) {
      await writeLine(output.stdout, 'No devices yet. Plug in a device or start the device lab (npm run lab).');
      return EXIT.ok;
    }
    for (const device of devices) {
      const columns = [device.id, device.state, device.model ?? '-', device.firmwareVersion ?? '-', device.lastAction ?? '-'];
      await writeLine(output.stdout, columns.join('\t'));
    }
    return EXIT.ok;
  } finally {
    close();
  }
}
