import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LambdaApiError } from './errors.js';

export type BodyRead = { readonly kind: 'ok'; readonly body: Buffer } | { readonly kind: 'too-large' };

/**
 * Reads a request body up to `limit` bytes. An oversized body is still drained (up to a hard
 * cap) so the client reads our 413 instead of a reset connection; past the cap the connection is
 * closed after the answer.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<BodyRead> {
  const drainCap = Math.max(limit * 2, 16 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const finish = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainCap) {
      res.setHeader('Connection', 'close');
      req.resume();
      finish({ kind: 'too-large' });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > drainCap) {
          res.setHeader('Connection', 'close');
          finish({ kind: 'too-large' });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(tooLarge ? { kind: 'too-large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    // A client that goes away mid-body must not hold its share of the budget forever.
    req.on('close', () => {
      if (!settled && !req.complete) {
        settled = true;
        reject(new Error('the client closed the connection before the body ended'));
      }
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': requestId,
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, requestId: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'Content-Length': '0', 'x-amzn-RequestId': requestId, ...headers });
  res.end();
}

export function sendError(res: ServerResponse, error: LambdaApiError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.statusCode, error.body(), requestId, { 'x-amzn-ErrorType': error.code });
}
