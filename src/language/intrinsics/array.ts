import { isJsonObject, type Json } from '../json.js';
import type { Invocation } from './invocation.js';

/** AWS refuses to build an ArrayRange result longer than this. */
export const ARRAY_RANGE_LIMIT = 1000;

/** States.Array(...values): the values in order. */
export function array(call: Invocation): Json[] {
  return [...call.args];
}

/** States.ArrayPartition(array, size): chunks of `size`, the last one shorter. */
export function arrayPartition(call: Invocation): Json[] {
  const items = call.array(0);
  const size = call.integer(1);
  if (size <= 0) throw call.fail(`the chunk size must be a positive integer, but was ${size}`);
  const chunks: Json[] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** States.ArrayContains(array, value): deep equality, so arrays and objects can be found too. */
export function arrayContains(call: Invocation): boolean {
  const items = call.array(0);
  const wanted = call.args[1];
  return items.some((item) => jsonEquals(item, wanted));
}

/** States.ArrayRange(first, last, step): `last` included when the steps land on it; at most 1000 items. */
export function arrayRange(call: Invocation): number[] {
  const first = call.integer(0);
  const last = call.integer(1);
  const step = call.integer(2);
  if (step === 0) throw call.fail('the step (argument 3) must not be zero');
  const span = (last - first) / step;
  const count = span < 0 ? 0 : Math.floor(span) + 1;
  if (count > ARRAY_RANGE_LIMIT) {
    throw call.fail(`the result would have ${count} items, more than the limit of ${ARRAY_RANGE_LIMIT}`);
  }
  return Array.from({ length: count }, (_, i) => first + i * step);
}

/** States.ArrayGetItem(array, index): zero-based; an index outside the array fails. */
export function arrayGetItem(call: Invocation): Json {
  const items = call.array(0);
  const index = call.integer(1);
  if (index < 0 || index >= items.length) {
    throw call.fail(`index ${index} is out of bounds for an array of length ${items.length}`);
  }
  return items[index];
}

/** States.ArrayLength(array). */
export function arrayLength(call: Invocation): number {
  return call.array(0).length;
}

/** States.ArrayUnique(array): first occurrence of each distinct value, in order. */
export function arrayUnique(call: Invocation): Json[] {
  const unique: Json[] = [];
  for (const item of call.array(0)) if (!unique.some((u) => jsonEquals(u, item))) unique.push(item);
  return unique;
}

/** Structural equality as Jackson's node equality: object key order does not matter, array order does. */
function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEquals(a[k], b[k]));
  }
  return false;
}
