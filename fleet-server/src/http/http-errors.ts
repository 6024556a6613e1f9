import type { FastifyError } from 'fastify';
import type { FleetApp } from './fleet-app';
import { AppError, toAppError, type ErrorCode } from '../../../shared/errors';

/** The HTTP status for each error code this server answers with; anything else is a 500. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  CSR_INVALID: 400,
  UNAUTHORIZED: 401,
  STATION_CERTIFICATE_REJECTED: 401,
  BOOTSTRAP_TOKEN_INVALID: 401,
  STATION_UNKNOWN: 403,
  FORBIDDEN_SENDER: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  SYNC_GAP: 409,
  SYNC_FORK: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  SYNC_CHAIN_INVALID: 422,
  CERTIFICATE_INVALID: 422,
  NOT_IMPLEMENTED: 501,
  TIMEOUT: 504,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** Fastify's own errors (body parsing, limits) become the same typed errors as ours. */
function fromFastifyError(error: FastifyError): AppError {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('PAYLOAD_TOO_LARGE', 'the request body is larger than this route accepts', { cause: error });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new AppError('INVALID_INPUT', error.message, { cause: error, details: { fastifyCode: error.code } });
  return toAppError(error);
}

function isFastifyError(error: unknown): error is FastifyError {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FST_');
}

/**
 * Every failure leaves as `{ error: { code, message, details } }` with a fitting status. 5xx are
 * logged as errors with their cause; 4xx are the client's problem and logged at info.
 */
export function installErrorHandling(app: FleetApp): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const appError = isFastifyError(error) ? fromFastifyError(error) : toAppError(error);
    const status = httpStatusOf(appError.code);
    if (status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    else request.log.info({ code: appError.code, details: appError.details }, appError.message);
    // Internal messages can name tables or files; the client gets the code and a generic sentence.
    const body = status >= 500 && appError.code === 'INTERNAL' ? { code: appError.code, message: 'internal server error' } : appError.toJSON();
    return reply.status(status).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
    return reply.status(404).send({ error: error.toJSON() });
  });
}
