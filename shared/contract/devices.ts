import { z } from 'zod';
import { defineCommand, defineEvent } from './define';
import { emptyInput } from './app';

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

export const devicesList = defineCommand({
  name: 'devices:list',
  input: emptyInput,
  output: z.object({ devices: z.array(deviceSchema) }),
  doc: 'Every device the station knows: those seen now and those in the ledger.',
});

export const devicesChanged = defineEvent({
  name: 'devices:changed',
  payload: z.object({ upserted: z.array(deviceSchema), removedIds: z.array(z.string()) }),
  doc: 'Devices appeared, changed or disappeared; carries only the difference.',
});
