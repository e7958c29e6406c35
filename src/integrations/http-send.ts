/**
 * One HTTP exchange the server makes on a definition's behalf, bounded: one deadline for the whole
 * exchange (AWS: 60 seconds, a hard limit), a ceiling on the response body (the state payload
 * limit: reading stops and the connection is dropped past it) and no redirects followed (a 3xx is
 * the answer, so a definition never reaches a host it did not name).
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpExchange {
  readonly url: URL;
  readonly method: string;
  /** Lower-case names, one value each. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export type HttpOutcome =
  | {
      readonly kind: 'response';
      readonly statusCode: number;
      readonly statusText: string;
      /** As received: name, value, name, value … (node's rawHeaders). */
      readonly rawHeaders: readonly string[];
      readonly body: Buffer;
    }
  | { readonly kind: 'tooLarge' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'socket'; readonly message: string };

export function sendHttpRequest(exchange: HttpExchange): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: HttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const headers = Object.fromEntries(exchange.headers); // own properties: a `__proto__` header stays a header
    if (exchange.body !== undefined) headers['content-length'] = String(exchange.body.length);
    const send = exchange.url.protocol === 'https:' ? https.request : http.request;
    let req: http.ClientRequest;
    try {
      req = send(exchange.url, { method: exchange.method, headers });
    } catch (e) {
      // Header names and values are checked before; what node still refuses is a socket-level failure.
      resolve({ kind: 'socket', message: (e as Error).message });
      return;
    }
    const deadline = setTimeout(() => {
      settle({ kind: 'timeout' });
      req.destroy();
    }, exchange.timeoutMs);
    req.on('error', (e) => settle({ kind: 'socket', message: e.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > exchange.maxResponseBytes) {
          settle({ kind: 'tooLarge' });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (e) => settle({ kind: 'socket', message: e.message }));
      res.on('aborted', () => settle({ kind: 'socket', message: 'The connection was closed before the response ended' }));
      res.on('end', () =>
        settle({ kind: 'response', statusCode: res.statusCode ?? 0, statusText: res.statusMessage ?? '', rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
    });
    req.end(exchange.body);
  });
}
