import { z } from 'zod';
import { envelopeSchema } from './envelope';

/**
 * Messages of the WebSocket transport (the headless station). The same contract runs over Electron
 * IPC on the channels below; only the framing differs.
 */
export const clientMessageSchema = z.object({
  type: z.literal('invoke'),
  /** Chosen by the client; echoed in the result so answers can arrive out of order. */
  id: z.number().int().nonnegative(),
  name: z.string().max(100),
  // Absent when the caller passed nothing (JSON drops undefined); the command schema decides.
  input: z.unknown().optional(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), envelope: envelopeSchema }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Electron IPC channel names used by the preload and the IPC host. */
export const IPC_INVOKE_CHANNEL = 'fieldline:invoke';
export const IPC_EVENT_CHANNEL = 'fieldline:event';

/** The query parameter that carries the station's per-run access token. */
export const STATION_TOKEN_PARAM = 'token';
