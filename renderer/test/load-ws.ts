/**
 * Loads the `ws` package for the WebSocket bridge test. A literal `import 'ws'` would pull @types/node
 * into the renderer's type program (its globals are DOM-only, so `process` or Node's setTimeout
 * must not typecheck there); the module is described here by the little the test uses.
 */
export interface WsServer {
  address(): { port: number } | string | null;
  on(event: 'connection', listener: (socket: WsServerSocket, request: { url?: string }) => void): void;
  on(event: 'listening', listener: () => void): void;
  clients: Set<WsServerSocket>;
  close(callback?: () => void): void;
}

export interface WsServerSocket {
  send(data: string): void;
  close(): void;
  terminate(): void;
  on(event: 'message', listener: (data: { toString(): string }) => void): void;
}

export interface WsModule {
  WebSocketServer: new (options: { host: string; port: number }) => WsServer;
  /** Compatible with the DOM WebSocket in what the bridge uses (on* handlers, send, close, readyState). */
  WebSocket: new (url: string) => WebSocket;
}

const WS_MODULE = 'ws';

export async function loadWs(): Promise<WsModule> {
  return (await import(/* @vite-ignore */ WS_MODULE)) as WsModule;
}
