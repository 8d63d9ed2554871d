import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/**
 * preParsing hook: decompresses `Content-Encoding: gzip` bodies as they
 * stream in. fastify counts the decompressed bytes against the route's
 * bodyLimit (413 past it, so a zip bomb stops early) and compares
 * `receivedEncodedLength` with Content-Length. A corrupt or truncated stream
 * fails with zlib's error, which the error handler maps to 400 invalid_gzip.
 */
export async function gunzipBody(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(415, 'unsupported_content_encoding', `Content-Encoding "${encoding}" is not supported: send gzip or nothing`);
  }
  const gunzip = createGunzip();
  const counted = gunzip as unknown as Readable & { receivedEncodedLength: number };
  counted.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    counted.receivedEncodedLength += chunk.length;
  });
  // pipeline destroys both streams if either fails (client abort, corrupt data); the error surfaces on gunzip.
  pipeline(payload, gunzip, () => {});
  return gunzip;
}
