import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { echo, readMcumgrParams } from './os-commands';
import { readImageState } from './image-commands';
import type { SmpMap } from './smp-cbor';
import { SmpClient } from './smp-client';
import { SmpOp } from './smp-header';
import { SmpTestTransport } from './smp-test-transport';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SmpClient (protocols.md §1)', () => {
  it('sends a v2 echo and returns the answer', async () => {
    const transport = new SmpTestTransport({ behaviour: (request) => ({ r: textOf(request.body.d) }) });
    const client = new SmpClient(transport);
    await expect(echo(client, 'hello')).resolves.toBe('hello');
    expect(transport.sent[0]).toMatchObject({
      op: SmpOp.write,
      version: 1,
      group: 0,
      commandId: 0,
      body: { d: 'hello' },
    });
  });

  it('matches answers to requests by sequence number when they come back out of order', async () => {
    const transport = new SmpTestTransport();
    const client = new SmpClient(transport, { maxInFlight: 3 });
    const answers = ['a', 'b', 'c'].map((text) => echo(client, text));
    await flush();
    expect(new Set(transport.sent.map((packet) => packet.seq)).size).toBe(3);
    for (const request of [...transport.sent].reverse())
      transport.answer(request, { r: `${textOf(request.body.d)}!` });
    await expect(Promise.all(answers)).resolves.toEqual(['a!', 'b!', 'c!']);
  });

  it('keeps no more than maxInFlight requests on the wire', async () => {
    const transport = new SmpTestTransport();
    const client = new SmpClient(transport, { maxInFlight: 2 });
    const answers = ['a', 'b', 'c', 'd'].map((text) => echo(client, text));
    await flush();
    expect(transport.sent).toHaveLength(2);
    transport.answer(transport.sent[0]!, { r: 'a' });
    await flush();
    expect(transport.sent).toHaveLength(3);
    for (const request of transport.sent.slice(1)) transport.answer(request, { r: textOf(request.body.d) });
    await flush();
    transport.answer(transport.sent[3]!, { r: 'd' });
    await expect(Promise.all(answers)).resolves.toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores packets that answer nothing and rejects an answer for the wrong command', async () => {
    const transport = new SmpTestTransport();
    const client = new SmpClient(transport);
    const answer = echo(client, 'x');
    await flush();
    const request = transport.sent[0]!;
    transport.answer(request, { r: 'stray' }, { seq: (request.seq + 7) & 0xff });
    transport.deliver(Uint8Array.from([1, 2, 3]));
    transport.answer(request, { r: 'x' }, { group: 9 });
    await expect(answer).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
  });

  it('times out with DEVICE_NOT_RESPONDING and never hands a late answer to a later request', async () => {
    const transport = new SmpTestTransport();
    const client = new SmpClient(transport, { timeoutMs: 20 });
    await expect(echo(client, 'first')).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    const late = transport.sent[0]!;
    const second = echo(client, 'second');
    await flush();
    expect(transport.sent[1]!.seq).not.toBe(late.seq);
    transport.answer(late, { r: 'first' });
    transport.answer(transport.sent[1]!, { r: 'second' });
    await expect(second).resolves.toBe('second');
  });

  it('cancels with the AbortSignal, also while waiting for a free slot', async () => {
    const transport = new SmpTestTransport();
    const client = new SmpClient(transport, { maxInFlight: 1 });
    const controller = new AbortController();
    const onWire = echo(client, 'on the wire', controller.signal);
    const waiting = echo(client, 'waiting', controller.signal);
    await flush();
    controller.abort();
    await expect(onWire).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(transport.sent).toHaveLength(1);
  });

  it('turns v1 rc and v2 err answers into DEVICE_REJECTED', async () => {
    const transport = new SmpTestTransport({
      behaviour: (request): SmpMap => (request.group === 0 ? { rc: 8 } : { err: { group: 1, rc: 3 } }),
    });
    const client = new SmpClient(transport);
    await expect(echo(client, 'x')).rejects.toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { kind: 'smp-error', rc: 8, name: 'NOTSUP' },
    });
    await expect(readImageState(client)).rejects.toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { group: 1, rc: 3 },
    });
  });

  it('falls back to SMP v1 when the device answers TOO_NEW', async () => {
    const transport = new SmpTestTransport({
      behaviour: (request): SmpMap => (request.version === 1 ? { rc: 13 } : { r: 'old' }),
    });
    const client = new SmpClient(transport);
    await expect(echo(client, 'x')).resolves.toBe('old');
    expect(client.version).toBe(0);
    expect(transport.sent.map((packet) => packet.version)).toEqual([1, 0]);
  });

  it('fails pending and later requests with TRANSPORT_CLOSED when the link is lost', async () => {
    const transport = new SmpTestTransport();
    const client = new SmpClient(transport);
    const pending = echo(client, 'x');
    await flush();
    transport.lose();
    await expect(pending).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await expect(echo(client, 'y')).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('reports a packet too large for the transport as INVALID_INPUT', async () => {
    const client = new SmpClient(new SmpTestTransport({ maxPacketBytes: 32 }));
    await expect(echo(client, 'x'.repeat(64))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('parses params and image state, filling absent flags with false', async () => {
    const hash = Uint8Array.from([1, 2, 3]);
    const transport = new SmpTestTransport({
      behaviour: (request): SmpMap =>
        request.group === 0
          ? { buf_size: 2048, buf_count: 4 }
          : { images: [{ slot: 0, version: '1.2.3', hash, active: true, confirmed: true }] },
    });
    const client = new SmpClient(transport);
    await expect(readMcumgrParams(client)).resolves.toEqual({ bufSizeBytes: 2048, bufCount: 4 });
    const [slot] = await readImageState(client);
    expect(slot).toEqual({
      image: 0,
      slot: 0,
      version: '1.2.3',
      hash,
      isActive: true,
      isConfirmed: true,
      isBootable: false,
      isPending: false,
      isPermanent: false,
    });
  });

  it('rejects an answer of the wrong shape as DEVICE_PROTOCOL', async () => {
    const client = new SmpClient(new SmpTestTransport({ behaviour: () => ({ buf_size: 'big' }) }));
    const error: unknown = await readMcumgrParams(client).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
    expect((error as AppError).message).toContain('buf_size');
  });
});
