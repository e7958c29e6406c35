import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The header the console sends its token in. A custom header makes every cross-origin request that
 * carries it need a CORS preflight, which this server never grants; the token itself lives in the
 * console origin's localStorage (scheme, host and port), never in a cookie a browser would send to
 * other ports of the same host.
 */
export const CONSOLE_TOKEN_HEADER = 'x-stepwright-console-token';

export function createConsoleToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison (through fixed-length digests, so the length leaks nothing either). */
export function hasConsoleToken(req: IncomingMessage, token: string): boolean {
  const sent = req.headers[CONSOLE_TOKEN_HEADER];
  if (typeof sent !== 'string' || sent === '') return false;
  return timingSafeEqual(createHash('sha256').update(sent).digest(), createHash('sha256').update(token).digest());
}
