import type { ApiError } from '@solarhub/shared';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error meant for the client: status, stable code, message and per-field details. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badRequest = (code: string, message: string, details?: ErrorDetail[]) =>
  new HttpError(400, code, message, details);
export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const forbidden = (code: string, message: string, details?: ErrorDetail[]) =>
  new HttpError(403, code, message, details);
export const notFound = (message: string, details?: ErrorDetail[]) => new HttpError(404, 'not_found', message, details);

export interface MappedError {
  statusCode: number;
  body: ApiError;
}

/** fastify's own errors, by their code, to ours. */
const FASTIFY_CODES: Record<string, { statusCode: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'body_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'invalid_content_length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'invalid_json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'invalid_json' },
  FST_ERR_NOT_FOUND: { statusCode: 404, code: 'not_found' },
};

/** zlib's stream errors: a corrupt or truncated gzip body. */
const ZLIB_CODES = new Set(['Z_BUF_ERROR', 'Z_DATA_ERROR', 'Z_STREAM_ERROR', 'Z_NEED_DICT']);

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: unknown;
}

function envelope(code: string, message: string, details?: ErrorDetail[]): ApiError {
  return { error: details && details.length > 0 ? { code, message, details } : { code, message } };
}

/**
 * Maps anything thrown while handling a request to the ApiError shape.
 * Only HttpError, fastify's client errors and bad gzip keep their message;
 * everything else is a 500 with a generic message (the real one is logged).
 */
export function toApiError(err: unknown): MappedError {
  if (err instanceof HttpError) {
    return { statusCode: err.statusCode, body: envelope(err.code, err.message, err.details) };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : 'Request failed';
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && ZLIB_CODES.has(code)) {
    return { statusCode: 400, body: envelope('invalid_gzip', `gzip body could not be decompressed: ${message}`) };
  }
  if (code && FASTIFY_CODES[code]) {
    const known = FASTIFY_CODES[code];
    return { statusCode: known.statusCode, body: envelope(known.code, message) };
  }
  if (Array.isArray(e.validation)) {
    const details = (e.validation as { instancePath?: string; message?: string }[]).map((v) => ({
      path: v.instancePath ?? '',
      message: v.message ?? 'invalid',
    }));
    return { statusCode: 400, body: envelope('validation_failed', 'Request validation failed', details) };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (err instanceof SyntaxError) return { statusCode: 400, body: envelope('invalid_json', message) };
    return { statusCode: e.statusCode, body: envelope('bad_request', message) };
  }
  return { statusCode: 500, body: envelope('internal_error', 'Internal server error') };
}
