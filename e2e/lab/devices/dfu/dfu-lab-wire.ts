import type { DfuLabFaults } from './dfu-lab-device-config';
import type { DfuLabTraffic } from './dfu-lab-traffic';

/**
 * DFU 1.1 numbers as the lab device writes them on the wire (protocols.md §3), kept apart from the
 * core's codecs so that the device is an independent check on the driver.
 */
export const State = {
  APP_IDLE: 0,
  APP_DETACH: 1,
  IDLE: 2,
  DNLOAD_SYNC: 3,
  DNBUSY: 4,
  DNLOAD_IDLE: 5,
  MANIFEST_SYNC: 6,
  MANIFEST: 7,
  MANIFEST_WAIT_RESET: 8,
  UPLOAD_IDLE: 9,
  ERROR: 10,
} as const;

export const Status = { OK: 0, errWRITE: 3, errADDRESS: 8, errNOTDONE: 9, errSTALLEDPKT: 15 } as const;

/**
 * The 6-byte GETSTATUS reply: bStatus, bwPollTimeout (24-bit LE), bState, iString. The corrupt-status
 * fault replaces the Nth reply since power-on with a short one or one with an undefined bState.
 */
export function statusReply(
  status: number,
  pollTimeoutMs: number,
  state: number,
  traffic: DfuLabTraffic,
  corruption: DfuLabFaults['corruptStatus'],
): Uint8Array {
  const poll = Math.min(pollTimeoutMs, 0xff_ffff);
  const reply = Uint8Array.of(status, poll & 0xff, (poll >> 8) & 0xff, (poll >> 16) & 0xff, state, 0);
  if (corruption === undefined || traffic.statusPolls !== corruption.onPollNumber) return reply;
  traffic.corruptedReplies += 1;
  if (corruption.kind === 'short') return reply.subarray(0, 5);
  reply[4] = 0xee;
  return reply;
}
