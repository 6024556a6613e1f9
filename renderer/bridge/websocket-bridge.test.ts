// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { loadWs, type WsModule, type WsServer, type WsServerSocket } from '../test/load-ws';
import type { ConnectionState } from './connection-state';
import type { StationBridge } from './station-bridge';
import { createWebSocketBridge } from './websocket-bridge';

interface Received {
  socket: WsServerSocket;
  message: { type: string; id: number; name: string; input: unknown };
}

/** A real `ws` server on loopback that hands each received message to the test. */
async function startServer(ws: WsModule) {
  const server = new ws.WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.on('listening', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const received: Received[] = [];
  const waiters: ((value: Received) => void)[] = [];
  const urls: string[] = [];
  server.on('connection', (socket, request) => {
    urls.push(request.url ?? '');
    socket.on('message', (data) => {
      const item = { socket, message: JSON.parse(data.toString()) as Received['message'] };
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else received.push(item);
    });
  });
  const nextMessage = (): Promise<Received> =>
    new Promise((resolve) => {
      const queued = received.shift();
      if (queued) resolve(queued);
      else waiters.push(resolve);
    });
  return { server, url: `ws://127.0.0.1:${address.port}/ws?token=secret`, nextMessage, urls };
}

function reply(socket: WsServerSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}

function waitForState(bridge: StationBridge, wanted: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    if (bridge.connection.current() === wanted) return resolve();
    const stop = bridge.connection.subscribe(() => {
      if (bridge.connection.current() !== wanted) return;
      stop();
      resolve();
    });
  });
}

describe('WebSocket bridge', () => {
  let ws: WsModule;
  let server: WsServer;
  let bridge: StationBridge;
  let harness: Awaited<ReturnType<typeof startServer>>;

  beforeEach(async () => {
    ws = await loadWs();
    harness = await startServer(ws);
    server = harness.server;
    bridge = createWebSocketBridge({
      url: harness.url,
      createSocket: (url) => new ws.WebSocket(url),
      reconnectDelayMs: () => 20,
    });
  });

  afterEach(async () => {
    bridge.close();
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends an invoke and resolves with the envelope value', async () => {
    const answer = bridge.invoke('sync:status');
    const { socket, message } = await harness.nextMessage();
    expect(message).toMatchObject({ type: 'invoke', name: 'sync:status', input: {} });
    expect(harness.urls[0]).toBe('/ws?token=secret');
    const status = {
      state: 'offline',
      pendingCount: 3,
      lastSuccessAt: null,
      lastError: null,
      serverUrl: null,
    } as const;
    reply(socket, { type: 'result', id: message.id, envelope: { ok: true, value: status } });
    await expect(answer).resolves.toEqual(status);
    expect(bridge.connection.current()).toBe('connected');
  });

  it('turns an error envelope into an AppError with its code', async () => {
    const answer = bridge.invoke('devices:list');
    const { socket, message } = await harness.nextMessage();
    reply(socket, {
      type: 'result',
      id: message.id,
      envelope: { ok: false, error: { code: 'LEDGER_LOCKED', message: 'database is locked' } },
    });
    const error = await answer.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'LEDGER_LOCKED', message: 'database is locked' });
  });

  it('delivers pushed events that match the contract and ignores malformed messages', async () => {
    const problems: AppError[] = [];
    bridge.close();
    bridge = createWebSocketBridge({
      url: harness.url,
      createSocket: (url) => new ws.WebSocket(url),
      onProblem: (problem) => problems.push(problem),
    });
    const payloads: unknown[] = [];
    bridge.on('ledger:changed', (payload) => payloads.push(payload));
    const ping = bridge.invoke('app:info');
    const { socket, message } = await harness.nextMessage();
    socket.send('not json');
    reply(socket, { type: 'event', name: 'ledger:changed', payload: { eventCount: -1 } });
    reply(socket, { type: 'event', name: 'ledger:changed', payload: { eventCount: 4 } });
    reply(socket, {
      type: 'result',
      id: message.id,
      envelope: { ok: false, error: { code: 'INTERNAL', message: 'x' } },
    });
    await ping.catch(() => undefined);
    expect(payloads).toEqual([{ eventCount: 4 }]);
    expect(problems).toHaveLength(2);
  });

  it('rejects a pending invoke with TRANSPORT_CLOSED when the socket closes, then reconnects', async () => {
    const answer = bridge.invoke('devices:list');
    const { socket } = await harness.nextMessage();
    socket.close();
    const error = await answer.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'TRANSPORT_CLOSED' });

    await waitForState(bridge, 'connected');
    const again = bridge.invoke('ledger:list-events', { limit: 5 });
    const next = await harness.nextMessage();
    expect(next.message).toMatchObject({ name: 'ledger:list-events', input: { limit: 5 } });
    reply(next.socket, {
      type: 'result',
      id: next.message.id,
      envelope: { ok: true, value: { events: [], nextBefore: null } },
    });
    await expect(again).resolves.toEqual({ events: [], nextBefore: null });
  });

  it('rejects what is still waiting when the bridge itself is closed', async () => {
    const answer = bridge.invoke('app:info');
    await harness.nextMessage();
    bridge.close();
    await expect(answer).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await expect(bridge.invoke('app:info')).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });
});
