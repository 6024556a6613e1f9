import { z } from 'zod';
import { defineCommand } from './define';

/** No input: commands that take nothing still parse, so that stray fields are refused. */
export const emptyInput = z.object({}).strict().optional();

export const appInfoSchema = z.object({
  name: z.literal('Fieldline'),
  version: z.string(),
  stationId: z.string(),
  dataDir: z.string(),
  /** Which shell hosts the core: the Electron app, or the headless station host. */
  host: z.enum(['electron', 'station', 'cli']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const appInfo = defineCommand({
  name: 'app:info',
  input: emptyInput,
  output: appInfoSchema,
  doc: 'Who this station is: version, station id, data folder and host.',
});
