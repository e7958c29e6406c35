import { createHash } from 'node:crypto';
import { javaRandomFirstDouble } from './java-random.js';

/**
 * The functions AWS Step Functions adds to JSONata ($partition, $range, $hash, $random, $uuid,
 * $parse). They are registered without a jsonata signature and check their own arguments, because
 * AWS's edge cases (rounding towards zero, undefined for a zero chunk size …) are not what a jsonata
 * signature would do.
 *
 * Errors are thrown as jsonata error objects so the library adds the function's name and position
 * and renders its own message template: `T0410` → `Argument 2 of function "range" does not match
 * function signature`; `D3137` renders `message` verbatim.
 */

/** What the evaluator hands the functions for one evaluation (see JsonataEnv). */
export interface EvaluationServices {
  readonly random: () => number;
  readonly uuid: () => string;
  /** Epoch milliseconds for $now() and $millis(); the library reads the clock when absent. */
  readonly now?: () => number;
}

/** The binding under which one evaluation's services are found; no `$name` can reach it. */
export const SERVICES_BINDING = ' stepwright services';

interface Focus {
  readonly environment: { lookup(name: string): unknown };
}

function services(focus: Focus): EvaluationServices {
  return focus.environment.lookup(SERVICES_BINDING) as EvaluationServices;
}

function signatureError(index: number): object {
  return { code: 'T0410', index, stack: new Error().stack };
}

function valueError(message: string): object {
  return { code: 'D3137', message, stack: new Error().stack };
}

/** AWS rounds a non-integer argument towards zero: -1.7 is -1, 2.9 is 2. */
function towardsZero(value: unknown, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw signatureError(index);
  return Math.trunc(value);
}

function rejectSurplus(args: readonly unknown[], arity: number): void {
  if (args.length > arity && args[arity] !== undefined) throw signatureError(arity + 1);
}

/** AWS's $range is held to a bounded size; past it the library's own range limit applies. */
const MAX_RANGE_LENGTH = 10_000_000;

/**
 * $partition(array, size): chunks of `size`, the last holding the remainder. A missing array, an
 * empty one or a size that rounds to zero answer undefined (which fails the field); a negative size
 * is an error; no size gives the whole array as one chunk.
 */
function partition(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 2);
  const [array, sizeArg] = args;
  if (array === undefined) return undefined;
  if (!Array.isArray(array)) throw signatureError(1);
  if (array.length === 0) return undefined;
  if (sizeArg === undefined) return [Array.from(array)];
  const size = towardsZero(sizeArg, 2);
  if (size < 0) throw valueError('Second argument must be zero or greater');
  if (size === 0) return undefined;
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(Array.prototype.slice.call(array, i, i + size));
  return chunks;
}

/**
 * $range(start, end, step): start, start+step, … up to end, included when a step lands on it. A
 * missing or zero step, or one pointing away from end, answers undefined; a one-element range
 * answers the bare number, as AWS does.
 */
function range(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 3);
  const start = towardsZero(args[0], 1);
  const end = towardsZero(args[1], 2);
  if (args[2] === undefined) return undefined;
  const step = towardsZero(args[2], 3);
  if (step === 0 || (step > 0 && start > end) || (step < 0 && start < end)) return undefined;
  const count = Math.floor((end - start) / step) + 1;
  if (count === 1) return start;
  if (count > MAX_RANGE_LENGTH) {
    throw { code: 'D2014', value: count, stack: new Error().stack };
  }
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) values[i] = start + i * step;
  return values;
}

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** $hash(value, algorithm): lowercase hex digest of the UTF-8 bytes; algorithm names are case-sensitive. */
function hash(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 2);
  const [value, algorithm] = args;
  if (typeof value !== 'string') throw signatureError(1);
  if (algorithm === undefined) return undefined;
  if (typeof algorithm !== 'string') throw signatureError(2);
  const nodeName = Object.prototype.hasOwnProperty.call(HASH_ALGORITHMS, algorithm) ? HASH_ALGORITHMS[algorithm] : undefined;
  if (nodeName === undefined) {
    throw valueError(`Hash algorithm '${algorithm}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5`);
  }
  return createHash(nodeName).update(value, 'utf8').digest('hex');
}

/** $random([seed]): with a seed, java.util.Random(seed).nextDouble() as AWS; without, the injected source. */
function random(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 1);
  if (args[0] === undefined) return services(this).random();
  return javaRandomFirstDouble(BigInt(towardsZero(args[0], 1)));
}

/** $uuid(): a v4 UUID from the injected source. */
function uuid(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 0);
  return services(this).uuid();
}

/** $parse(jsonString): AWS's replacement for $eval, which it disables. */
function parse(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 1);
  const [text] = args;
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw signatureError(1);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw valueError('Invalid JSON');
  }
}

interface JsonataFunctionValue {
  readonly implementation: (...args: unknown[]) => unknown;
}

function clock(focus: Focus): number {
  const now = services(focus).now;
  return now ? now() : Date.now();
}

/**
 * $millis() and $now([picture [, timezone]]) from the injected clock, so an evaluation replays the
 * same: jsonata's own versions read the machine clock. $now formats through jsonata's $fromMillis.
 */
function millis(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 0);
  return clock(this);
}

function now(this: Focus, ...args: unknown[]): unknown {
  rejectSurplus(args, 2);
  const [picture, timezone] = args;
  if (picture !== undefined && typeof picture !== 'string') throw signatureError(1);
  if (timezone !== undefined && typeof timezone !== 'string') throw signatureError(2);
  const fromMillis = this.environment.lookup('fromMillis') as JsonataFunctionValue;
  return fromMillis.implementation(clock(this), picture, timezone);
}

export const AWS_FUNCTIONS: Readonly<Record<string, (this: Focus, ...args: unknown[]) => unknown>> = {
  partition,
  range,
  hash,
  random,
  uuid,
  parse,
  millis,
  now,
};
