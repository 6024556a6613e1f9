import { FIRMWARE_LIMITS, inspectFirmwareFile, verifyFirmwareFile, type FirmwareFileReport } from '../../core/firmware';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { readLimitedFile, readPublicKey } from './firmware-files';

/** `image inspect <file>`: what a bare MCUboot, UF2 or DFU file is, with its integrity checked. */
export async function imageInspect(output: CliOutput, path: string): Promise<number> {
  const report = inspectFirmwareFile(readLimitedFile(path, FIRMWARE_LIMITS.imageFileBytes, 'PAYLOAD_TOO_LARGE'));
  await printReport(output, path, report, 'integrity OK; signature not checked (use `image verify --key`)');
  return EXIT.ok;
}

/** `image verify --key <pem> <file>`: an MCUboot image's hash, KEYHASH and signature against one key. */
export async function imageVerify(output: CliOutput, path: string, keyPath: string): Promise<number> {
  const report = verifyFirmwareFile(readLimitedFile(path, FIRMWARE_LIMITS.imageFileBytes, 'PAYLOAD_TOO_LARGE'), readPublicKey(keyPath));
  await printReport(output, path, report, `signature OK with ${keyPath}`);
  return EXIT.ok;
}

async function printReport(output: CliOutput, path: string, report: FirmwareFileReport, verdict: string): Promise<void> {
  if (output.isJson) {
    await writeLine(output.stdout, JSON.stringify({ ok: true, file: path, verdict, ...report }));
    return;
  }
  await writeLine(output.stdout, `${path}: ${describe(report)}`);
  await writeLine(output.stdout, `  ${verdict}`);
}

function describe(report: FirmwareFileReport): string {
  const hex = (value: number) => `0x${value.toString(16)}`;
  switch (report.format) {
    case 'mcuboot': {
      const signature = report.signatureType === undefined ? 'unsigned' : `signature TLV ${hex(report.signatureType)}, key hash ${report.keyHash ?? 'none'}`;
      const counter = report.securityCounter === undefined ? '' : `, security counter ${report.securityCounter}`;
      return `MCUboot image ${report.version}${counter}, ${report.bodyBytes}-byte body at ${hex(report.loadAddress)}, image hash ${report.imageHash}, ${signature}`;
    }
    case 'uf2':
      return `UF2, ${report.blockCount} blocks, ${report.payloadBytes} bytes to ${hex(report.addressStart ?? 0)}…${hex(report.addressEnd ?? 0)}, families ${report.familyIds.map(hex).join(', ') || 'none'}`;
    case 'dfu':
      return `DFU file, ${report.payloadBytes}-byte payload, VID ${hex(report.vendorId)} PID ${hex(report.productId)}, bcdDFU ${hex(report.dfuVersion)}, CRC ${hex(report.crc)} OK`;
  }
}
