/**
 * The Lambda request id of an invocation. Lambda makes a fresh one per invocation; a Task state's
 * attempt is dispatched at least once, so its invocations take an id derived from the attempt's
 * idempotency key (execution ARN + TaskScheduled event id): a re-delivery of the same attempt
 * after a crash reaches the handler with the same `context.awsRequestId`, a retry with another.
 */
import crypto from 'node:crypto';

/** Our namespace for name-based (version 5) UUIDs, fixed so that ids stay the same across releases. */
const REQUEST_ID_NAMESPACE = Buffer.from('6a1f0c52-3c1e-4e0b-9a57-1f2f6b0e8d41'.replace(/-/g, ''), 'hex');

/** RFC 9562 version 5 UUID of `key`: UUID-shaped as Lambda's ids, the same for the same key. */
export function requestIdForKey(key: string): string {
  const hash = crypto.createHash('sha1').update(REQUEST_ID_NAMESPACE).update(key, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
