import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { describeZodError } from '../../shared/errors';

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
  })
  .strict();

/** A device-lab scenario: the simulated devices to start (README.md describes each field). */
export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    devices: z.array(smpDeviceSchema).min(1),
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

/** Reads and validates a scenario file (key files resolved next to it); errors name the file and every wrong field. */
export async function loadScenario(path: string): Promise<Scenario> {
  let raw: unknown;
  try {
    raw = parse(await readFile(path, 'utf8'));
  } catch (error: unknown) {
    throw new Error(
      `Cannot read scenario ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) throw new Error(`Scenario ${path} is not valid: ${describeZodError(result.error)}`);
  const folder = dirname(path);
  for (const device of result.data.devices)
    device.trustedKeyFiles = device.trustedKeyFiles?.map((file) => resolve(folder, file));
  return result.data;
}
