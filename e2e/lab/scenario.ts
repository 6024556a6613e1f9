import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError, describeZodError } from '../../shared/errors';
import { faultPlanSchema } from './faults/fault-plan';

const deviceName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

const flashSchema = z
  .object({
    writeBytesPerSecond: z.number().nonnegative().optional(),
    sectorBytes: z.number().int().positive().optional(),
    sectorEraseMs: z.number().nonnegative().optional(),
  })
  .strict();

const serialTransportSchema = z
  .object({
    kind: z.literal('serial'),
    baudRate: z.number().int().positive().default(115_200),
    /** 10 for 8N1, 11 for 8E1. */
    bitsPerByte: z.number().int().min(9).max(12).default(10),
    bootBanner: z.boolean().default(true),
    /** A USB-serial bridge's latency timer on answers (quality.md: 16 ms); 0 = none. */
    usbLatencyTimerMs: z.number().nonnegative().default(0),
  })
  .strict();

const udpTransportSchema = z
  .object({
    kind: z.literal('udp'),
    address: z.string().default('127.0.0.1'),
    /** 0 lets the system choose; 1337 is SMP's default (protocols.md §1). */
    port: z.number().int().min(0).max(65_535).default(0),
    addedRoundTripMs: z.number().nonnegative().default(0),
  })
  .strict();

const smpDeviceSchema = z
  .object({
    name: deviceName,
    family: z.literal('smp'),
    transport: z.discriminatedUnion('kind', [serialTransportSchema, udpTransportSchema]),
    model: z.string().min(1).optional(),
    serialNumber: z.string().min(1),
    hardwareId: z
      .string()
      .regex(/^[0-9a-f]+$/)
      .optional(),
    firmwareVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+([.+]\d+)?$/)
      .optional(),
    slotBytes: z.number().int().positive().optional(),
    bufSizeBytes: z.number().int().min(64).max(65_535).optional(),
    bufCount: z.number().int().min(1).max(64).optional(),
    flash: flashSchema.optional(),
    resetDelayMs: z.number().nonnegative().optional(),
    bootTimeMs: z.number().nonnegative().optional(),
    /** PEM public keys MCUboot trusts, relative to the scenario file; unsigned images are then not booted. */
    trustedKeyFiles: z.array(z.string().min(1)).optional(),
    /** MCUboot with downgrade prevention: images with a lower security counter are refused. */
    noDowngrade: z.boolean().optional(),
    /** Security counter TLV of the factory image. */
    firmwareSecurityCounter: z.number().int().min(0).max(0xffff_ffff).optional(),
    /** Size of the file system on the storage partition (group 8). */
    storageBytes: z.number().int().positive().optional(),
    /**
     * Firmware that boots but is unhealthy: while an image of one of these versions runs, echo answers
     * wrong, so a flash of it must end reverted (devices/smp/smp-device-config.ts).
     */
    unhealthyFirmwareVersions: z
      .array(z.string().regex(/^\d+\.\d+\.\d+([.+]\d+)?$/))
      .optional(),
    /**
     * Zeroize is a cryptographic erase (storage encrypted under the destroyed key): identity read
     * reports `sanitize: "crypto-erase"`, so a retirement may use NIST SP 800-88 Purge.
     */
    isCryptoErase: z.boolean().optional(),
    /** Faults to inject (faults/fault-plan.ts; README.md, "Faults"). */
    faults: faultPlanSchema.optional(),
  })
  .strict();

const u16 = z.number().int().min(0).max(0xffff);
const u32 = z.number().int().min(0).max(0xffff_ffff);

/** Faults of a DFU device (devices/dfu/dfu-lab-device-config.ts, `DfuLabFaults`). */
const dfuFaultsSchema = z
  .object({
    unplugAfterBytes: z.number().int().nonnegative().optional(),
    stopAnsweringAfterBytes: z.number().int().nonnegative().optional(),
    slowFlashFactor: z.number().positive().optional(),
    corruptStatus: z
      .object({ onPollNumber: z.number().int().positive(), kind: z.enum(['short', 'unknown-state']) })
      .strict()
      .optional(),
  })
  .strict();

/**
 * A USB DFU 1.1 device (devices/dfu) on the lab's virtual USB bus. The bus lives in the lab's process:
 * tests and benchmarks that start the lab in process hand `lab.usbBus` to discovery (README.md).
 */
const dfuDeviceSchema = z
  .object({
    name: deviceName,
    family: z.literal('dfu'),
    /** iSerialNumber, the same in bootloader and application: the device's identity. */
    serialNumber: z.string().min(1),
    /** Port on the virtual bus, `1-N` (or `1-N.M` behind a hub); the lowest free `1-N` when absent. */
    usbPort: z
      .string()
      .regex(/^1-\d+(\.\d+)*$/, 'a bus-port path on bus 1, e.g. 1-3 or 1-2.1')
      .optional(),
    vendorId: u16.optional(),
    dfuProductId: u16.optional(),
    runtimeProductId: u16.optional(),
    transferSizeBytes: z.number().int().min(8).max(0xffff).optional(),
    flashBytes: z.number().int().positive().optional(),
    canUpload: z.boolean().optional(),
    /** bitManifestationTolerant: back to dfuIDLE after manifestation instead of waiting for a reset. */
    manifestationTolerant: z.boolean().optional(),
    /** bitWillDetach: re-enumerates by itself after DFU_DETACH. */
    willDetach: z.boolean().optional(),
    detachTimeoutMs: u16.optional(),
    flashMsPerKiB: z.number().nonnegative().optional(),
    manifestMs: z.number().nonnegative().optional(),
    bootTimeMs: z.number().nonnegative().optional(),
    /** Stall a GETSTATUS asked before bwPollTimeout has passed (DFU 1.1 allows it). */
    strictAboutEarlyPolls: z.boolean().optional(),
    faults: dfuFaultsSchema.optional(),
  })
  .strict();

/**
 * A UF2 bootloader drive (devices/uf2): a folder `<state root>/drives/<volumeLabel>` that appears and
 * vanishes like a mount, so a station process finds it through FIELDLINE_DRIVE_FOLDERS.
 */
const uf2DeviceSchema = z
  .object({
    name: deviceName,
    family: z.literal('uf2'),
    /** Written as INFO_UF2.TXT's `Serial:` line; without one, discovery cannot tell units apart and skips it. */
    serialNumber: z.string().min(1).optional(),
    /** The drive's folder name; the device name in capitals when absent. */
    volumeLabel: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'capital letters, digits, dashes and underscores')
      .max(32)
      .optional(),
    bootloaderBanner: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    boardId: z.string().min(1).optional(),
    /** UF2 family id; blocks of other families are ignored (protocols.md §4). */
    familyId: u32.optional(),
    baseAddress: u32.optional(),
    flashBytes: z.number().int().positive().optional(),
    bootTimeMs: z.number().nonnegative().optional(),
    /** Present an INFO_UF2.TXT that is not one: discovery must skip the drive and log why. */
    malformedInfo: z.boolean().optional(),
    /** `unplugAfterBlocks: N`: the cable is pulled once N blocks of a copy are programmed (devices/uf2). */
    faults: z.object({ unplugAfterBlocks: z.number().int().positive().optional() }).strict().optional(),
  })
  .strict();

const deviceSchema = z.discriminatedUnion('family', [smpDeviceSchema, dfuDeviceSchema, uf2DeviceSchema]);

/** Under the state root, the folder where UF2 drives appear; no device may be called that. */
export const DRIVE_ROOT_NAME = 'drives';

/** The folder name of a UF2 device's drive. */
export function volumeLabelOf(device: { name: string; volumeLabel?: string | undefined }): string {
  return device.volumeLabel ?? device.name.toUpperCase();
}

/** A device-lab scenario: the simulated devices to start (README.md describes each field). */
export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /**
     * Advertise UDP devices over mDNS as `_mcumgr._udp` (TXT serial, model, fw). Multicast: on shared
     * machines run the lab inside e2e/support/in-private-network.sh. `--advertise` turns it on too.
     */
    advertise: z.boolean().default(false),
    devices: z.array(deviceSchema).min(1),
  })
  .strict()
  .refine(
    (scenario) => new Set(scenario.devices.map((device) => device.name)).size === scenario.devices.length,
    {
      message: 'device names must be unique',
    },
  )
  .refine((scenario) => scenario.devices.every((device) => device.name !== DRIVE_ROOT_NAME), {
    message: `"${DRIVE_ROOT_NAME}" is reserved for the folder UF2 drives appear in`,
  })
  .refine(
    (scenario) => isUnique(scenario.devices.flatMap((d) => (d.family === 'uf2' ? [volumeLabelOf(d)] : []))),
    {
      message: 'UF2 volume labels must be unique (each drive is a folder named after its label)',
    },
  )
  .refine(
    (scenario) =>
      isUnique(scenario.devices.flatMap((d) => (d.family === 'dfu' && d.usbPort ? [d.usbPort] : []))),
    {
      message: 'DFU usbPort values must be unique (one device per port of the virtual bus)',
    },
  );

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioDevice = Scenario['devices'][number];
export type SmpScenarioDevice = Extract<ScenarioDevice, { family: 'smp' }>;
export type DfuScenarioDevice = Extract<ScenarioDevice, { family: 'dfu' }>;
export type Uf2ScenarioDevice = Extract<ScenarioDevice, { family: 'uf2' }>;

/**
 * Reads and validates a scenario file (key files resolved next to it). Errors are INVALID_INPUT
 * AppErrors naming the file and every wrong field.
 */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `Cannot read scenario ${path}: ${describe(error)}`, { cause: error });
  }
  return parseScenario(text, path);
}

/** Parses scenario YAML as read from `path`; anything but a valid scenario is an INVALID_INPUT AppError. */
export function parseScenario(text: string, path: string): Scenario {
  let raw: unknown;
  try {
    // Warnings (an unknown tag, say) are mistakes in a file a person wrote: refuse them too.
    const document = parseDocument(text, { logLevel: 'silent' });
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem) throw problem;
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `Cannot read scenario ${path}: ${describe(error)}`, { cause: error });
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success)
    throw new AppError('INVALID_INPUT', `Scenario ${path} is not valid: ${describeZodError(result.error)}`);
  const folder = dirname(path);
  for (const device of result.data.devices)
    if (device.family === 'smp')
      device.trustedKeyFiles = device.trustedKeyFiles?.map((file) => resolve(folder, file));
  return result.data;
}

function isUnique(values: string[]): boolean {
  return new Set(values).size === values.length;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
