import { StatesErrors, StatesError } from '../errors.js';
import { isJsonObject, type Json } from '../json.js';

/**
 * A run-time failure of an intrinsic: AWS reports it as States.IntrinsicFailure ("an attempt to
 * invoke an intrinsic function within a payload template failed"). The recordings we hold contain
 * no failing intrinsic, so the cause wording is ours; it always names the function.
 */
export function intrinsicFailure(functionName: string, detail: string): StatesError {
  return new StatesError(StatesErrors.IntrinsicFailure, `Invalid arguments in ${functionName}: ${detail}`);
}

/** The JSON type name used in messages. */
export function jsonTypeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  return typeof value;
}

export function describe(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
