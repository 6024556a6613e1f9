import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol, type CustomScheme } from 'electron';
import type { Logger } from '../core/ports/logger';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { CONTENT_SECURITY_POLICY } from './content-security-policy';

/**
 * Why `app://fieldline` and not `file://`: a file:// page has an opaque origin, so "our origin" could
 * not be told apart from any other local file when checking IPC senders and navigations; Vite's
 * `<script type="module" crossorigin>` does not load over file:// at all; and file:// pages get extra
 * privileges (the grantFileProtocolExtraPrivileges fuse, turned off in electron-builder.yml). A
 * standard, secure custom scheme gives a real origin, a secure context, and serves only renderer/dist.
 * No `bypassCSP`: the scheme obeys the CSP like any other.
 */
export const APP_SCHEME_DEFINITION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Must run before the app's `ready` event (Electron refuses privileges granted later). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);
}

/** Serves the built renderer on `app://fieldline/…`; call after `ready`. */
export function serveRenderer(rendererDir: string, logger: Logger): void {
  protocol.handle(APP_SCHEME, createRendererRequestHandler(rendererDir, logger));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Answers a request with a file below `rendererDir`, carrying our CSP. Paths that would leave the
 * folder (`..`, encoded slashes) are refused. No fallback to index.html for unknown paths: the
 * renderer routes in the hash (`index.html#/devices`), so a reload always asks for index.html.
 */
export function createRendererRequestHandler(
  rendererDir: string,
  logger: Logger,
): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plainResponse(405, 'Method not allowed');
    }
    const filePath = filePathFor(root, request.url);
    if (filePath === undefined) return plainResponse(404, 'Not found');
    const bytes = await readIfFile(filePath, logger);
    if (bytes === undefined) return plainResponse(404, 'Not found');
    return new Response(request.method === 'HEAD' ? null : bytes, {
      status: 200,
      headers: {
        'Content-Type': CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}

/** The absolute path a URL asks for, or `undefined` when it is not ours or points outside `root`. */
export function filePathFor(root: string, url: string): string | undefined {
  let parsed: URL;
  let pathname: string;
  try {
    parsed = new URL(url);
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST) return undefined;
  if (pathname.includes('\0')) return undefined;
  const candidate = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  const relative = path.relative(root, candidate);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return candidate;
}

async function readIfFile(filePath: string, logger: Logger): Promise<Uint8Array | undefined> {
  try {
    return await readFile(filePath);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR') {
      logger.warn({ err: error, filePath }, 'renderer file unreadable');
    }
    return undefined;
  }
}

function plainResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
