import { chmod, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { AppError, isErrorCode, toAppError } from '../../../shared/errors';
import { httpStatusOf } from '../http/http-errors';
import { isAdminCommandName, runAdminCommand, type AdminDependencies } from './admin-commands';

const MAX_BODY_BYTES = 64 * 1024;

export function adminSocketPath(dataDir: string): string {
  return join(dataDir, 'admin.sock');
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'admin command input is too large');
    chunks.push(chunk);
  }
  try {
    return size === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', 'admin command input is not JSON', { cause: error });
  }
}

/**
 * The administrator's way into a running server: a Unix socket in the data folder (owner-only, like
 * the folder), so that the CLI can create tokens while the server holds the embedded database.
 * No TCP port is opened for administration.
 */
export async function listenAdminSocket(dataDir: string, deps: AdminDependencies): Promise<{ close(): Promise<void> }> {
  const path = adminSocketPath(dataDir);
  // A socket file left by a crashed server would make listen fail with EADDRINUSE; the data-folder
  // lock already guarantees that no live server owns it.
  await rm(path, { force: true });
  const server: Server = createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\/admin\//, '');
    const run = async (): Promise<unknown> => {
      if (request.method !== 'POST' || !isAdminCommandName(name)) throw new AppError('UNKNOWN_COMMAND', `no admin command ${name}`);
      return runAdminCommand(deps, name, await readJson(request));
    };
    run().then(
      (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      (error: unknown) => {
        const appError = toAppError(error);
        response.writeHead(httpStatusOf(appError.code), { 'content-type': 'application/json' }).end(JSON.stringify({ error: appError.toJSON() }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/**
 * Sends a command to a running server's admin socket. Resolves `undefined` when no server listens
 * there, so the caller can fall back to opening the database itself.
 */
export function sendAdminCommand(dataDir: string, name: string, input: unknown): Promise<unknown> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { socketPath: adminSocketPath(dataDir), path: `/admin/${name}`, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code: unknown; message: string; details?: Record<string, unknown> } };
            if (res.statusCode === 200) resolve(parsed);
            else if (parsed.error !== undefined && isErrorCode(parsed.error.code)) {
              reject(new AppError(parsed.error.code, parsed.error.message, parsed.error.details === undefined ? {} : { details: parsed.error.details }));
            } else reject(new AppError('INTERNAL', `admin socket answered ${res.statusCode ?? 0}`));
          } catch (error: unknown) {
            reject(toAppError(error));
          }
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else reject(error);
    });
    req.end(body);
  });
}
