import type { Json } from '../json.js';

/**
 * JSON as AWS prints it inside cause texts: compact, keys in input order (Jackson's default writer,
 * e.g. `could not be found in the input '{"other":1}'`). Only called when building an error.
 */
export function causeJson(value: Json): string {
  return JSON.stringify(value);
}
