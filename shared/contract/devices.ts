import { z } from 'zod';
import { defineCommand, defineEvent } from './define';

/** Lifecycle states of a device (ux.md, "Devices"). */
export const LIFECYCLE_STATES = ['new', 'provisioned', 'enrolled', 'configured', 'in-service', 'retired', 'failed'] as const;
export const lifecycleStateSchema = z.enum(LIFECYCLE_STATES);
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;

export const TRANSPORTS = ['serial', 'usb', 'network', 'drive'] as const;
export const transportSchema = z.enum(TRANSPORTS);
export type Transport = z.infer<typeof transportSchema>;

/** One transport's view of a device: where it is seen and when it was last seen there. */
export const sightingSchema = z.object({
  transport: transportSchema,
  /** Port path, USB bus id, host:port or mount folder. */
  address: z.string(),
  lastSeenAt: z.string(),
});
export type Sighting = z.infer<typeof sightingSchema>;

export const deviceSchema = z.object({
  /** Stable identity: hardware id read over the protocol, USB serial number, or mDNS TXT serial. */
  id: z.string(),
  state: lifecycleStateSchema,
  model: z.string().nullable(),
  serial: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  /** Transports the device is seen on right now; empty when it is only known from the ledger. */
  sightings: z.array(sightingSchema),
  /** The type of the last ledger event about the device, e.g. `device.discovered`. */
  lastAction: z.string().nullable(),
  updatedAt: z.string(),
});
export type Device = z.infer<typeof deviceSchema>;

/** Where a device is seen: one transport, or `not-connected` for devices known only from the ledger. */
export const SEEN_ON_FILTERS = [...TRANSPORTS, 'not-connected'] as const;
export const seenOnFilterSchema = z.enum(SEEN_ON_FILTERS);

export const DEVICE_SORT_FIELDS = ['updatedAt', 'serial', 'model', 'state'] as const;
export const deviceSortSchema = z
  .object({ field: z.enum(DEVICE_SORT_FIELDS), direction: z.enum(['asc', 'desc']) })
  .strict();
export type DeviceSort = z.infer<typeof deviceSortSchema>;

/** The largest page one `devices:list` answers: a screenful and its overscan, never the whole fleet. */
export const DEVICE_PAGE_LIMIT_MAX = 500;
const filterText = z.string().max(200);

/**
 * One window of the device list, filtered and sorted by the core (which keeps an index in memory), so
 * a fleet of 100,000 devices never travels in one message.
 */
export const deviceQuerySchema = z
  .object({
    /** Rows to skip in the filtered, sorted list (default 0). */
    offset: z.number().int().nonnegative().optional(),
    /** Page size; without it the answer holds every matching device (the CLI and older callers). */
    limit: z.number().int().min(1).max(DEVICE_PAGE_LIMIT_MAX).optional(),
    state: lifecycleStateSchema.optional(),
    /** Exact model name, as `models` in the answer lists them. */
    model: filterText.optional(),
    seenOn: seenOnFilterSchema.optional(),
    /** Case-insensitive substring of the serial, hardware id or model. */
    search: filterText.optional(),
    /** Default: most recently updated first. */
    sort: deviceSortSchema.optional(),
  })
  .strict();
export type DeviceQuery = z.infer<typeof deviceQuerySchema>;

export const devicesList = defineCommand({
  name: 'devices:list',
  // No input: every device at once, as before paging existed; with a query: filtered, sorted, paged.
  input: deviceQuerySchema.optional(),
  output: z.object({
    devices: z.array(deviceSchema),
    /** Answers to a query: how many devices match the filters. */
    total: z.number().int().nonnegative().optional(),
    /** Answers to a query: how many devices the station knows, before filtering. */
    unfilteredTotal: z.number().int().nonnegative().optional(),
    /** Answers to a query: every model the station knows, for the model filter. */
    models: z.array(z.string()).optional(),
  }),
  doc: 'Devices the station knows (seen now or in the ledger): all of them, or one filtered, sorted page.',
});

export const devicesGet = defineCommand({
  name: 'devices:get',
  input: z.object({ deviceId: z.string().min(1).max(200) }).strict(),
  output: z.object({ device: deviceSchema.nullable() }),
  doc: 'One device by id for its detail view; null when the station does not know it.',
});

export const devicesChanged = defineEvent({
  name: 'devices:changed',
  payload: z.object({ upserted: z.array(deviceSchema), removedIds: z.array(z.string()) }),
  doc: 'Devices appeared, changed or disappeared; carries only the difference.',
});
