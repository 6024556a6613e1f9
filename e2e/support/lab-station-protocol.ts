import { z } from 'zod';

/** What the test hands the lab station child (lab-station-main.ts) as its one argument, as JSON. */
export const labStationConfigSchema = z.object({
  /** A lab scenario (e2e/lab/README.md) with DFU devices only; they plug into the station's USB bus. */
  scenarioYaml: z.string().min(1),
  /** Where the lab keeps those devices' state (`<root>/<device name>/state`). */
  labStateRoot: z.string().min(1),
  /** `npm run station` flags (`--port 0 --data-dir …` included). */
  stationArgs: z.array(z.string()),
});

export type LabStationConfig = z.infer<typeof labStationConfigSchema>;

/** A cable pulled or plugged back on the station's virtual USB bus, by the lab device's name. */
export const labStationRequestSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['unplug-usb', 'plug-usb']),
  device: z.string().min(1),
});

export type LabStationRequest = z.infer<typeof labStationRequestSchema>;

export const labStationReplySchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true) }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.string() }),
]);

export type LabStationReply = z.infer<typeof labStationReplySchema>;
