import { SfnApiError } from './errors.js';

/** AWS: maxResults 0 (or none) means the default page size, 100; at most 1000. */
export function pageSize(maxResults: unknown): number {
  return typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
}

const PREFIX = 'sw1:';

/** Tokens are opaque to clients; ours carry the offset of the next item and what they page over. */
export function encodeToken(offset: number, scope: string): string {
  return Buffer.from(`${PREFIX}${offset}:${scope}`).toString('base64');
}

export function decodeToken(token: unknown, scope: string): number {
  if (token === undefined || token === null) return 0;
  const text = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
  const m = /^sw1:(\d+):(.*)$/s.exec(text);
  if (m === null || m[2] !== scope) throw new SfnApiError('InvalidToken', `Invalid Token: '${String(token)}'`);
  return Number(m[1]);
}

/** One page of `items` from the offset in `nextToken`, with the token for the next page. */
export function page<T>(items: readonly T[], input: { maxResults?: unknown; nextToken?: unknown }, scope: string): { items: T[]; nextToken?: string } {
  const from = decodeToken(input.nextToken, scope);
  const size = pageSize(input.maxResults);
  const slice = items.slice(from, from + size);
  return from + size < items.length ? { items: slice, nextToken: encodeToken(from + size, scope) } : { items: slice };
}

const KEY_PREFIX = 'sw2:';

/**
 * Tokens of lists paged in the store (ListExecutions): the store's position after the last item
 * sent, and what they page over. New items do not shift the pages of a listing already begun.
 */
export function encodePositionToken(position: number, scope: string): string {
  return Buffer.from(`${KEY_PREFIX}${position}:${scope}`).toString('base64');
}

/** The position in a token of `encodePositionToken` for `scope` (undefined: from the start). */
export function decodePositionToken(token: unknown, scope: string): number | undefined {
  if (token === undefined || token === null) return undefined;
  const text = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
  const m = /^sw2:(\d{1,15}):(.*)$/s.exec(text);
  if (m === null || m[2] !== scope) throw new SfnApiError('InvalidToken', `Invalid Token: '${String(token)}'`);
  return Number(m[1]);
}
