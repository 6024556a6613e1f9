import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError, describeZodError } from '../../shared/errors';
import { faultPlanSchema } from './faults/fault-plan';

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
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
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
    /** Faults to inject (faults/fault-plan.ts; README.md, "Faults"). */
    faults: faultPlanSchema.optional(),
  })
  .strict();

// DFU (e2e/lab/devices/dfu) and UF2 (e2e/lab/devices/uf2) device schemas join here: `devices` becomes a
// z.discriminatedUnion('family', [smpDeviceSchema, dfuDeviceSchema, uf2DeviceSchema]) and lab-runner.ts
// starts each family. Until then `family` accepts only smp.
const deviceSchema = smpDeviceSchema;

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
  );

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioDevice = Scenario['devices'][number];

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
    device.trustedKeyFiles = device.trustedKeyFiles?.map((file) => resolve(folder, file));
  return result.data;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
