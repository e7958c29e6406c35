import type { Json, JsonObject } from '../json.js';
import type { Invocation } from './invocation.js';
import { jacksonJson } from './java-text.js';

/**
 * States.StringToJson(text). Blank text parses to null, as Jackson's readTree gives no node for it
 * (intrinsic_functions/test_string_to_json__1: " " → null).
 */
export function stringToJson(call: Invocation): Json {
  const text = call.string(0);
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw call.fail(`argument 1 is not valid JSON text: ${text.length > 100 ? `${text.slice(0, 100)}...` : text}`);
  }
}

/** States.JsonToString(value): compact JSON text, numbers as Java prints them. */
export function jsonToString(call: Invocation): string {
  return jacksonJson(call.args[0]);
}

/**
 * States.JsonMerge(a, b, false): shallow merge, keys of `b` win. AWS supports only the shallow
 * mode, so the third argument must be the boolean false.
 */
export function jsonMerge(call: Invocation): JsonObject {
  const left = call.object(0);
  const right = call.object(1);
  if (call.boolean(2)) throw call.fail('deep merging is not supported; the third argument must be false');
  // Object.fromEntries defines own properties, so a "__proto__" key stays a plain key.
  const merged = new Map<string, Json>();
  for (const k of Object.keys(left)) merged.set(k, left[k]);
  for (const k of Object.keys(right)) merged.set(k, right[k]);
  return Object.fromEntries(merged) as JsonObject;
}
