import type { IncomingMessage } from 'node:http';
import { LambdaApiError, requestEntityTooLarge } from './errors.js';

/** What an operation takes as its body: JSON members, Invoke's payload, or nothing. */
export interface BodyRule {
  readonly operation: string;
  readonly kind: 'json' | 'payload' | 'none';
  /** The largest body AWS takes for the operation (Invoke's depends on its invocation type). */
  readonly limitBytes: (req: IncomingMessage) => number;
  /** AWS's answer to a larger body (default: RequestEntityTooLargeException). */
  readonly tooLarge?: (limitBytes: number) => LambdaApiError;
}

/** Bodies of operations that take none: a client may still send a few bytes. */
export const NO_BODY_LIMIT_BYTES = 64 * 1024;

/** The content types a page on another origin can send without a CORS preflight. */
const BROWSER_SIMPLE_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);
/**
 * Invoke's payload: the AWS SDK for JavaScript sends application/octet-stream, the AWS CLI and boto3
 * send no content type at all, and the console sends application/json.
 */
const PAYLOAD_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/json']);

export function tooLargeFor(rule: BodyRule, limitBytes: number): LambdaApiError {
  return rule.tooLarge?.(limitBytes) ?? requestEntityTooLarge(`Request must be smaller than ${limitBytes} bytes for the ${rule.operation} operation`);
}

/**
 * Refuses the content types no AWS client sends for this operation. This is what keeps a web page
 * on another origin from creating and invoking functions with "simple" no-cors POSTs; the Origin
 * check in front of it is the other half.
 */
export function checkContentType(rule: BodyRule, req: IncomingMessage, bodyBytes: number): LambdaApiError | undefined {
  const header = req.headers['content-type'];
  const type = header === undefined ? undefined : header.split(';')[0].trim().toLowerCase();
  if (type !== undefined && BROWSER_SIMPLE_TYPES.has(type)) return unsupported(rule, type);
  if (rule.kind === 'json' && bodyBytes > 0 && type !== 'application/json') return unsupported(rule, type);
  if (rule.kind === 'payload' && type !== undefined && !PAYLOAD_TYPES.has(type)) return unsupported(rule, type);
  return undefined;
}

function unsupported(rule: BodyRule, type: string | undefined): LambdaApiError {
  const wanted = rule.kind === 'payload' ? 'application/json or application/octet-stream (or no content type)' : 'application/json';
  return new LambdaApiError(
    'UnsupportedMediaTypeException',
    415,
    `The ${rule.operation} operation takes its body as ${wanted}, not ${type === undefined ? 'a body without a content type' : `'${type}'`}. ` +
      'Stepwright refuses the content types that browsers send across origins without asking (text/plain, forms, multipart).',
  );
}
