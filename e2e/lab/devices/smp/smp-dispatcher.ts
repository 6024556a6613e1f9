import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { SmpOp, type SmpVersion } from '../../../../main/core/drivers/smp/smp-header';
import { decodeSmpPacket, encodeSmpPacket } from '../../../../main/core/drivers/smp/smp-packet';
import { SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { InvalidField } from './request-fields';

/**
 * A handler's answer: a body, an SMP-level rc, or a group rc (shaped per request version). A group error
 * may carry `extra` fields next to it, as Zephyr's fs upload sends `len` with FILE_OFFSET_NOT_VALID.
 */
export type SmpHandlerResult =
  { body: SmpMap } | { smpRc: number; reason?: string } | { groupRc: number; extra?: SmpMap };

export type SmpCommandHandler = (body: SmpMap) => Promise<SmpHandlerResult>;

/** Something the dispatcher records about every request, for tests that assert on traffic. */
export interface SmpTrafficRecord {
  group: number;
  commandId: number;
  op: 'read' | 'write';
  seq: number;
  version: SmpVersion;
  outcome: 'ok' | `rc ${number}` | `group rc ${number}`;
}

/**
 * The device side of SMP (protocols.md §1): decodes a request, runs the handler registered for
 * (group, command, op), and encodes the answer with the request's seq and version. Group errors go out
 * as `{"err": {group, rc}}` to SMP v2 requests and collapse to a legacy `rc` for v1 requests; unknown
 * commands get `rc: NOTSUP`, undecodable bodies `rc: INVAL`.
 */
export class SmpDispatcher {
  readonly #handlers = new Map<string, SmpCommandHandler>();
  readonly #legacyRc = new Map<number, (groupRc: number) => number>();
  readonly traffic: SmpTrafficRecord[] = [];
  #maxTrafficRecords = 10_000;

  on(group: number, commandId: number, op: 'read' | 'write', handler: SmpCommandHandler): void {
    this.#handlers.set(`${group}:${commandId}:${op}`, handler);
  }

  /** How an SMP v1 request sees this group's errors (Zephyr's `mgmt_..._translate_error_code`). */
  setLegacyTranslation(group: number, translate: (groupRc: number) => number): void {
    this.#legacyRc.set(group, translate);
  }

  /** Handles one whole request packet; undefined means no answer (a response op, or a broken header). */
  async handle(packet: Uint8Array): Promise<Uint8Array | undefined> {
    let request;
    try {
      request = decodeSmpPacket(packet);
    } catch {
      return this.#answerUndecodable(packet);
    }
    if (request.op !== SmpOp.read && request.op !== SmpOp.write) return undefined;
    const op = request.op === SmpOp.read ? 'read' : 'write';
    const handler = this.#handlers.get(`${request.group}:${request.commandId}:${op}`);
    const result = handler ? await runHandler(handler, request.body) : { smpRc: SmpRc.notSupported };
    const body = this.#shape(result, request.group, request.version);
    this.#record({
      group: request.group,
      commandId: request.commandId,
      op,
      seq: request.seq,
      version: request.version,
      outcome: describe(result),
    });
    return encodeSmpPacket({
      ...request,
      op: request.op === SmpOp.read ? SmpOp.readResponse : SmpOp.writeResponse,
      flags: 0,
      body,
    });
  }

  #shape(result: SmpHandlerResult, group: number, version: SmpVersion): SmpMap {
    if ('body' in result) return result.body;
    if ('smpRc' in result)
      return result.reason === undefined ? { rc: result.smpRc } : { rc: result.smpRc, rsn: result.reason };
    const extra = result.extra ?? {};
    if (version === 1) return { err: { group, rc: result.groupRc }, ...extra };
    return { rc: this.#legacyRc.get(group)?.(result.groupRc) ?? SmpRc.unknown, ...extra };
  }

  /** A request whose body is not CBOR gets INVAL, an unknown version TOO_NEW; a broken header gets nothing. */
  #answerUndecodable(packet: Uint8Array): Uint8Array | undefined {
    if (packet.length < 8 || packet[0]! >> 5 !== 0 || (packet[0]! & 0x07) > 3) return undefined;
    const op = packet[0]! & 0x07;
    if (op !== SmpOp.read && op !== SmpOp.write) return undefined;
    const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    if (view.getUint16(2) !== packet.length - 8) return undefined;
    const version = (packet[0]! >> 3) & 0x03;
    // A version we do not speak gets TOO_NEW in v1 form, so the client can fall back; else INVAL.
    const isTooNew = version > 1;
    return encodeSmpPacket({
      op: op === SmpOp.read ? SmpOp.readResponse : SmpOp.writeResponse,
      version: isTooNew ? 0 : (version as SmpVersion),
      flags: 0,
      group: view.getUint16(4),
      seq: packet[6]!,
      commandId: packet[7]!,
      body: { rc: isTooNew ? SmpRc.tooNew : SmpRc.invalid },
    });
  }

  #record(entry: SmpTrafficRecord): void {
    if (this.traffic.length >= this.#maxTrafficRecords) this.traffic.shift();
    this.traffic.push(entry);
  }
}

/** A field of the wrong type is INVAL (as zcbor decoding fails on the device); anything else is UNKNOWN. */
async function runHandler(handler: SmpCommandHandler, body: SmpMap): Promise<SmpHandlerResult> {
  try {
    return await handler(body);
  } catch (error: unknown) {
    if (error instanceof InvalidField) return { smpRc: SmpRc.invalid, reason: error.message };
    return { smpRc: SmpRc.unknown, reason: error instanceof Error ? error.message : String(error) };
  }
}

function describe(result: SmpHandlerResult): SmpTrafficRecord['outcome'] {
  if ('body' in result) return 'ok';
  return 'smpRc' in result ? `rc ${result.smpRc}` : `group rc ${result.groupRc}`;
}
