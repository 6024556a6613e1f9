import { z } from 'zod';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpUint } from './smp-response';

/** OS group command ids (protocols.md §1, "OS (group 0)"). */
export const OsCommand = { echo: 0, reset: 5, mcumgrParams: 6, info: 7, bootloaderInfo: 8 } as const;

/** The device's SMP buffer limits: `bufSizeBytes` is the largest whole packet, header included. */
export interface McumgrParams {
  bufSizeBytes: number;
  bufCount: number;
}

/** What bootloader info tells; `mode` and `isNoDowngrade` only for MCUboot. */
export interface BootloaderInfo {
  bootloader: string;
  mode?: number;
  isNoDowngrade?: boolean;
}

/** OS echo: the device answers with the text it was sent. */
export async function echo(client: SmpClient, text: string, signal?: AbortSignal): Promise<string> {
  const body = await client.request(
    { op: 'write', group: SmpGroup.os, commandId: OsCommand.echo, body: { d: text } },
    signal,
  );
  return parseSmpResponse(z.object({ r: z.string() }), body, 'os echo').r;
}

/** OS mcumgr params: the receive buffer size and count, which bound packet size and pipelining. */
export async function readMcumgrParams(client: SmpClient, signal?: AbortSignal): Promise<McumgrParams> {
  const body = await client.request(
    { op: 'read', group: SmpGroup.os, commandId: OsCommand.mcumgrParams },
    signal,
  );
  const parsed = parseSmpResponse(
    z.object({ buf_size: smpUint.min(1), buf_count: smpUint.min(1) }),
    body,
    'os mcumgr params',
  );
  return { bufSizeBytes: parsed.buf_size, bufCount: parsed.buf_count };
}

/** OS reset: the device answers first, then resets (protocols.md §1), so the link may drop right after. */
export async function resetDevice(client: SmpClient, signal?: AbortSignal): Promise<void> {
  await client.request({ op: 'write', group: SmpGroup.os, commandId: OsCommand.reset, body: {} }, signal);
}

/** OS info (uname-like); format letters as in Zephyr, `a` for everything. */
export async function readOsInfo(client: SmpClient, format = 'a', signal?: AbortSignal): Promise<string> {
  const body = await client.request(
    { op: 'read', group: SmpGroup.os, commandId: OsCommand.info, body: { format } },
    signal,
  );
  return parseSmpResponse(z.object({ output: z.string() }), body, 'os info').output;
}

/**
 * Bootloader info: its name, and for MCUboot the mode and whether downgrades are refused. Zephyr sends
 * `no-downgrade` only when it is true, so its absence reads as false.
 */
export async function readBootloaderInfo(client: SmpClient, signal?: AbortSignal): Promise<BootloaderInfo> {
  const nameBody = await client.request(
    { op: 'read', group: SmpGroup.os, commandId: OsCommand.bootloaderInfo },
    signal,
  );
  const { bootloader } = parseSmpResponse(
    z.object({ bootloader: z.string() }),
    nameBody,
    'os bootloader info',
  );
  if (bootloader !== 'MCUboot') return { bootloader };
  const modeBody = await client.request(
    { op: 'read', group: SmpGroup.os, commandId: OsCommand.bootloaderInfo, body: { query: 'mode' } },
    signal,
  );
  const mode = parseSmpResponse(
    z.object({ mode: z.number().int(), 'no-downgrade': z.boolean().optional() }),
    modeBody,
    'os bootloader mode',
  );
  return { bootloader, mode: mode.mode, isNoDowngrade: mode['no-downgrade'] ?? false };
}
