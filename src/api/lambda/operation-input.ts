import type { OperationRequest } from './api-context.js';
import { invalidParameter, invalidRequestContent, LambdaApiError } from './errors.js';
import { asBody } from './request-validation.js';

// What every operation does with its request: the JSON body, errors as values, list markers.

export function readJson(op: OperationRequest): unknown {
  if (op.body.length === 0) return {};
  try {
    return JSON.parse(op.body.toString('utf8')) as unknown;
  } catch (e) {
    throw invalidRequestContent(`Could not parse request body into json: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function asBodyOrThrow(value: unknown): Readonly<Record<string, unknown>> {
  return orThrow(asBody(value));
}

export function orThrow<T>(value: T | LambdaApiError): T {
  if (value instanceof LambdaApiError) throw value;
  return value;
}

/** Markers are opaque to clients; ours carry the last name of the previous page. */
export function encodeMarker(name: string): string {
  return Buffer.from(JSON.stringify({ after: name }), 'utf8').toString('base64url');
}

export function decodeMarker(marker: string): string {
  try {
    const value = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { after?: unknown }).after === 'string') {
      return (value as { after: string }).after;
    }
  } catch {
    // fall through
  }
  throw invalidParameter(`Invalid Marker: ${marker}`);
}
