import { z } from 'zod';
import { emptyInput } from './app';
import { defineCommand, defineEvent } from './define';

/**
 * Factory station mode ("the line"): ports that start the locked work when a device is plugged in,
 * operators with PINs, a supervisor, counters and a canary gate. See main/core/line/README.md.
 */

/** What the whole line is doing. Only `running` and `canary` start devices. */
export const LINE_STATES = ['not-configured', 'canary', 'awaiting-approval', 'running', 'stopped'] as const;
export const lineStateSchema = z.enum(LINE_STATES);
export type LineState = z.infer<typeof lineStateSchema>;

/**
 * A port tile's state: `waiting` (nothing plugged in), `held` (a device is there but the line may not
 * start it now: the reason says why), the work's phases, then `pass` or `fail` until it is unplugged.
 */
export const PORT_STATES = ['waiting', 'held', 'flashing', 'verifying', 'enrolling', 'configuring', 'pass', 'fail'] as const;
export const portStateSchema = z.enum(PORT_STATES);
export type PortState = z.infer<typeof portStateSchema>;

export const LINE_PHASES = ['flashing', 'verifying', 'enrolling', 'configuring'] as const;
export type LinePhase = (typeof LINE_PHASES)[number];

export const OPERATOR_ROLES = ['operator', 'supervisor'] as const;
export const operatorRoleSchema = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof operatorRoleSchema>;

/** 4 to 8 digits: typed on a PIN pad, never stored or logged as typed. */
export const pinSchema = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');
const operatorNameSchema = z.string().trim().min(1).max(60);

export const lineOperatorSchema = z.object({ id: z.string(), name: z.string(), role: operatorRoleSchema });
export type LineOperator = z.infer<typeof lineOperatorSchema>;

/** The work every port runs: flash a signed firmware bundle, or apply a recipe (flash, enroll, configure, verify). */
const bundleWorkSchema = z.object({
  kind: z.literal('bundle'),
  path: z.string(),
  /** What the header shows, e.g. `sensor-fw 1.4.0`. */
  label: z.string(),
  version: z.string().nullable(),
  /** Identifies this exact work (the bundle file's SHA-256): a new key starts a canary. */
  key: z.string(),
});

const recipeWorkSchema = z.object({
  kind: z.literal('recipe'),
  /** The recipe file on the station's disk. */
  path: z.string(),
  /** What the header shows, e.g. `lab-sensor@1.0.0 (sha256 3f2a…)`. */
  label: z.string(),
  /** The recipe's version. */
  version: z.string().nullable(),
  /** The recipe's content hash and its bundle's and site file's: a new version or any changed byte of them starts a canary. */
  key: z.string(),
  recipe: z.object({
    name: z.string(),
    version: z.string(),
    contentSha256: z.string(),
    bundleSha256: z.string(),
    firmwareVersion: z.string(),
  }),
});

export const lockedWorkSchema = z.discriminatedUnion('kind', [bundleWorkSchema, recipeWorkSchema]);
export type LockedWork = z.infer<typeof lockedWorkSchema>;

export const portTileSchema = z.object({
  /** `serial:/dev/ttyACM0` or `network:127.0.0.1:1337`. */
  port: z.string(),
  /** `Port 1`, `Port 2`, … in configuration order (or the order ports were first seen). */
  label: z.string(),
  state: portStateSchema,
  deviceId: z.string().nullable(),
  serial: z.string().nullable(),
  hardwareId: z.string().nullable(),
  /** 0–100 while a phase reports it; null otherwise. */
  percent: z.number().min(0).max(100).nullable(),
  /** Why a device waits (`held`), why it failed (`fail`), or `already passed` after a replug. */
  reason: z.string().nullable(),
  /** The error code of a failure. */
  code: z.string().nullable(),
  /** The step a failure happened in. */
  step: z.string().nullable(),
  /** When the current state began (the run's start while it runs). */
  since: z.string().nullable(),
  isCanary: z.boolean(),
});
export type PortTile = z.infer<typeof portTileSchema>;

export const paretoBarSchema = z.object({ key: z.string(), count: z.number().int().nonnegative() });
export type ParetoBar = z.infer<typeof paretoBarSchema>;

export const lineCountersSchema = z.object({
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Distinct devices that ran at least once since the last reset. */
  devicesRun: z.number().int().nonnegative(),
  /** Devices that passed on their first run ÷ devices run; null before any device ran. */
  firstPassYield: z.number().min(0).max(1).nullable(),
  /** Passes in the last hour, extrapolated while the line has run for less than an hour. */
  devicesPerHour: z.number().nonnegative(),
  /** When counting began (the last reset, or the first run). */
  since: z.string().nullable(),
  paretoByReason: z.array(paretoBarSchema),
  paretoByPort: z.array(paretoBarSchema),
});
export type LineCounters = z.infer<typeof lineCountersSchema>;

export const canaryEvidenceSchema = z.object({
  deviceId: z.string(),
  port: z.string(),
  code: z.string(),
  reason: z.string(),
  step: z.string(),
});

export const lineSnapshotSchema = z.object({
  state: lineStateSchema,
  work: lockedWorkSchema.nullable(),
  ports: z.array(portTileSchema),
  portMode: z.enum(['all', 'listed']),
  counters: lineCountersSchema,
  canary: z.object({
    /** Devices that run before the supervisor must approve a new work version. */
    count: z.number().int().positive(),
    /** Canary runs that ended (pass or fail) for the current work. */
    done: z.number().int().nonnegative(),
    /** Set when a canary failed and stopped the line. */
    evidence: canaryEvidenceSchema.nullable(),
  }),
  operator: lineOperatorSchema.nullable(),
  operators: z.array(lineOperatorSchema),
  /** False on first run: the station then asks to create the first supervisor. */
  hasSupervisor: z.boolean(),
});
export type LineSnapshot = z.infer<typeof lineSnapshotSchema>;

const supervisorPin = { supervisorPin: pinSchema };

export const lineStatus = defineCommand({
  name: 'line:status',
  input: emptyInput,
  output: lineSnapshotSchema,
  doc: 'The line: its state, locked work, port tiles, counters, canary and who is logged in.',
});

export const lineCreateSupervisor = defineCommand({
  name: 'line:create-supervisor',
  input: z.object({ name: operatorNameSchema, pin: pinSchema }).strict(),
  output: lineSnapshotSchema,
  doc: 'First run only: creates the first supervisor (refused once any operator exists).',
});

export const lineLogin = defineCommand({
  name: 'line:login',
  input: z.object({ operatorId: z.string().min(1).max(100), pin: pinSchema }).strict(),
  output: lineSnapshotSchema,
  doc: 'An operator starts a session with their PIN; the ports run under their name.',
});

export const lineLogout = defineCommand({
  name: 'line:logout',
  input: emptyInput,
  output: lineSnapshotSchema,
  doc: 'Ends the operator session: running devices finish, new ones wait for the next operator.',
});

export const lineUnlock = defineCommand({
  name: 'line:unlock',
  input: z.object(supervisorPin).strict(),
  output: z.object({ supervisor: lineOperatorSchema }),
  doc: 'Checks a supervisor PIN before the station settings open; recorded in the ledger.',
});

export const lineConfigure = defineCommand({
  name: 'line:configure',
  input: z
    .object({
      ...supervisorPin,
      /** A signed bundle (.fwb) on the station's disk; a new one starts a canary. */
      bundlePath: z.string().min(1).max(4096).optional(),
      /** Or a recipe file on the station's disk (not both); every value must come without a technician. */
      recipePath: z.string().min(1).max(4096).optional(),
      /** `all`: every discovered serial or network port; `listed`: only these (`serial:/dev/ttyACM0`). */
      ports: z
        .discriminatedUnion('mode', [
          z.object({ mode: z.literal('all') }),
          z.object({ mode: z.literal('listed'), addresses: z.array(z.string().min(1).max(4096)).min(1).max(64) }),
        ])
        .optional(),
      canaryCount: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  output: lineSnapshotSchema,
  doc: 'Supervisor: changes the locked bundle or recipe, the line ports or the canary count.',
});

export const lineSetOperator = defineCommand({
  name: 'line:set-operator',
  input: z.object({ ...supervisorPin, name: operatorNameSchema, role: operatorRoleSchema, pin: pinSchema }).strict(),
  output: lineSnapshotSchema,
  doc: 'Supervisor: adds an operator, or sets a new PIN and role for the one with this name.',
});

export const lineRemoveOperator = defineCommand({
  name: 'line:remove-operator',
  input: z.object({ ...supervisorPin, operatorId: z.string().min(1).max(100) }).strict(),
  output: lineSnapshotSchema,
  doc: 'Supervisor: removes an operator (the last supervisor cannot be removed).',
});

export const lineApproveCanary = defineCommand({
  name: 'line:approve-canary',
  input: z.object(supervisorPin).strict(),
  output: lineSnapshotSchema,
  doc: 'Supervisor: the canary devices passed; the line runs the new work on every port.',
});

export const lineResume = defineCommand({
  name: 'line:resume',
  input: z.object(supervisorPin).strict(),
  output: lineSnapshotSchema,
  doc: 'Supervisor: after a failed canary, runs a new canary of the same work.',
});

export const lineResetCounters = defineCommand({
  name: 'line:reset-counters',
  input: z.object(supervisorPin).strict(),
  output: lineSnapshotSchema,
  doc: 'Supervisor: counters and Pareto start again from zero (the runs stay in the ledger).',
});

export const lineChanged = defineEvent({
  name: 'line:changed',
  payload: z.object({ line: lineSnapshotSchema }),
  doc: 'The line, a port tile or a counter changed; carries the whole snapshot (small: one tile per port).',
});
