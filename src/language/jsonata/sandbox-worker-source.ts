/**
 * The code of a JSONata sandbox process, as text. It is started with `node -e source jsonataPath`,
 * so it runs the same whether Stepwright runs from dist/, from the TypeScript sources (tsx,
 * vitest) or from an esbuild bundle: no worker file has to be found next to the caller. It is
 * CommonJS and self-contained; `jsonata` comes by absolute path as the first argument. Messages go
 * over the IPC channel with the advanced (structured clone) serialization.
 *
 * It holds the functions AWS Step Functions adds to JSONata ($partition, $range, $hash, $random,
 * $uuid, $parse) and the clock functions ($millis, $now). They are registered without a jsonata
 * signature and check their own arguments, because AWS's edge cases (rounding towards zero,
 * undefined for a zero chunk size …) are not what a jsonata signature would do. Errors are thrown as
 * jsonata error objects so the library adds the function's name and position and renders its own
 * message template: `T0410` → `Argument 2 of function "range" does not match function signature`;
 * `D3137` renders `message` verbatim.
 *
 * $random() without a seed, $uuid(), $millis() and $now() read the execution's injected sources,
 * which live in the server: the sandbox asks for each value by message (jsonata awaits a
 * function that returns a promise), so an evaluation replays the same as in-process.
 *
 * Protocol. server → sandbox: `{ type: 'evaluate', id, text, timeoutMs, maxDepth, maxResultChars,
 * bindings }`, `{ type: 'service', seq, value }`. sandbox → server: `{ type: 'service', id, seq, name }`,
 * `{ type: 'done', id, outcome }` with outcome `{ kind: 'value', value }`, `{ kind: 'unsupported' }`,
 * `{ kind: 'tooLarge' }` or `{ kind: 'error', code, message, range }`.
 */
const EVALUATOR_SOURCE = String.raw`'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jsonata = require(workerData.jsonataPath);
const post = (message) => parentPort.postMessage(message);

const SERVICES = ' stepwright services';
const MAX_RANGE_LENGTH = 10000000;

function signatureError(index) {
  return { code: 'T0410', index, stack: new Error().stack };
}
function valueError(message) {
  return { code: 'D3137', message, stack: new Error().stack };
}
// AWS rounds a non-integer argument towards zero: -1.7 is -1, 2.9 is 2.
function towardsZero(value, index) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw signatureError(index);
  return Math.trunc(value);
}
function rejectSurplus(args, arity) {
  if (args.length > arity && args[arity] !== undefined) throw signatureError(arity + 1);
}
function services(focus) {
  return focus.environment.lookup(SERVICES);
}

// The first nextDouble() of new java.util.Random(seed): AWS's $random(seed) draws from it
// ($random(42) is 0.7275636800328681 on AWS). Same as java-random.ts.
function javaRandomFirstDouble(seed) {
  const MULTIPLIER = 0x5deece66dn;
  const MASK = (1n << 48n) - 1n;
  let state = (BigInt.asIntN(64, seed) ^ MULTIPLIER) & MASK;
  const next = (bits) => {
    state = (state * MULTIPLIER + 0xbn) & MASK;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) * 2 ** -53;
}

// $partition(array, size): chunks of size, the last holding the remainder. A missing array, an empty
// one or a size that rounds to zero answer undefined; a negative size is an error; no size gives the
// whole array as one chunk.
function partition(...args) {
  rejectSurplus(args, 2);
  const [array, sizeArg] = args;
  if (array === undefined) return undefined;
  if (!Array.isArray(array)) throw signatureError(1);
  if (array.length === 0) return undefined;
  if (sizeArg === undefined) return [Array.from(array)];
  const size = towardsZero(sizeArg, 2);
  if (size < 0) throw valueError('Second argument must be zero or greater');
  if (size === 0) return undefined;
  const chunks = [];
  for (let i = 0; i < array.length; i += size) chunks.push(Array.prototype.slice.call(array, i, i + size));
  return chunks;
}

// $range(start, end, step): start, start+step, … up to end, included when a step lands on it. A
// missing or zero step, or one pointing away from end, answers undefined; a one-element range
// answers the bare number, as AWS does. AWS holds it to a bounded size.
function range(...args) {
  rejectSurplus(args, 3);
  const start = towardsZero(args[0], 1);
  const end = towardsZero(args[1], 2);
  if (args[2] === undefined) return undefined;
  const step = towardsZero(args[2], 3);
  if (step === 0 || (step > 0 && start > end) || (step < 0 && start < end)) return undefined;
  const count = Math.floor((end - start) / step) + 1;
  if (count === 1) return start;
  if (count > MAX_RANGE_LENGTH) throw { code: 'D2014', value: count, stack: new Error().stack };
  const values = new Array(count);
  for (let i = 0; i < count; i++) values[i] = start + i * step;
  return values;
}

const HASH_ALGORITHMS = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

// $hash(value, algorithm): lowercase hex digest of the UTF-8 bytes; algorithm names are case-sensitive.
function hash(...args) {
  rejectSurplus(args, 2);
  const [value, algorithm] = args;
  if (typeof value !== 'string') throw signatureError(1);
  if (algorithm === undefined) return undefined;
  if (typeof algorithm !== 'string') throw signatureError(2);
  const nodeName = Object.prototype.hasOwnProperty.call(HASH_ALGORITHMS, algorithm) ? HASH_ALGORITHMS[algorithm] : undefined;
  if (nodeName === undefined) throw valueError("Hash algorithm '" + algorithm + "' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5");
  return createHash(nodeName).update(value, 'utf8').digest('hex');
}

// $random([seed]): with a seed, java.util.Random(seed).nextDouble() as AWS; without, the injected source.
function random(...args) {
  rejectSurplus(args, 1);
  if (args[0] === undefined) return services(this)('random');
  return javaRandomFirstDouble(BigInt(towardsZero(args[0], 1)));
}

function uuid(...args) {
  rejectSurplus(args, 0);
  return services(this)('uuid');
}

// $parse(jsonString): AWS's replacement for $eval, which it disables.
function parse(...args) {
  rejectSurplus(args, 1);
  const [text] = args;
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw signatureError(1);
  try {
    return JSON.parse(text);
  } catch {
    throw valueError('Invalid JSON');
  }
}

// $millis() and $now([picture [, timezone]]) from the injected clock, so an evaluation replays the
// same: jsonata's own versions read the machine clock. $now formats through jsonata's $fromMillis.
function millis(...args) {
  rejectSurplus(args, 0);
  return services(this)('now');
}

async function now(...args) {
  rejectSurplus(args, 2);
  const [picture, timezone] = args;
  if (picture !== undefined && typeof picture !== 'string') throw signatureError(1);
  if (timezone !== undefined && typeof timezone !== 'string') throw signatureError(2);
  const fromMillis = this.environment.lookup('fromMillis');
  return fromMillis.implementation(await services(this)('now'), picture, timezone);
}

const AWS_FUNCTIONS = { partition, range, hash, random, uuid, parse, millis, now };

function usesKeepArray(ast) {
  const seen = new Set();
  const walk = (node) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return false;
    seen.add(node);
    if (Array.isArray(node)) return node.some(walk);
    return node.keepSingletonArray === true || Object.keys(node).some((key) => walk(node[key]));
  };
  return walk(ast);
}

// jsonata marks the array a path[] step answers with keepSingleton, and when that array is a value
// from the payload it marks the payload itself. The flag only means something on jsonata's own
// sequences, so it is removed from any other array as soon as the step returns.
function unmarkPayloadArray(_expr, _input, _environment, result) {
  if (Array.isArray(result) && result.sequence !== true && Object.prototype.hasOwnProperty.call(result, 'keepSingleton')) {
    delete result.keepSingleton;
  }
}

const COMPILED_LIMIT = 2000;
const compiled = new Map();

function compile(text, timeoutMs, maxDepth) {
  const key = timeoutMs + ' ' + maxDepth + ' ' + text;
  let expr = compiled.get(key);
  if (expr !== undefined) return expr;
  expr = jsonata(text, { timeout: timeoutMs, stack: maxDepth });
  for (const name of Object.keys(AWS_FUNCTIONS)) expr.registerFunction(name, AWS_FUNCTIONS[name]);
  // AWS disables $eval ($parse replaces it): calling it is jsonata's T1006 "Attempted to invoke a non-function".
  expr.registerFunction('eval', () => {
    throw { code: 'T1006', stack: new Error().stack };
  });
  if (usesKeepArray(expr.ast())) expr.assign(Symbol.for('jsonata.__evaluate_exit'), unmarkPayloadArray);
  if (compiled.size >= COMPILED_LIMIT) compiled.clear();
  compiled.set(key, expr);
  return expr;
}

// Whether a result can go back as JSON: no function anywhere (AWS: unsupported result type), and not
// larger than the bound (counted in characters of strings and keys plus one per value, without
// building the text).
function checkResult(value, maxChars) {
  let chars = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    chars++;
    if (typeof v === 'string') chars += v.length;
    else if (typeof v === 'function') return 'unsupported';
    else if (typeof v === 'object' && v !== null) {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) stack.push(v[i]);
      } else {
        if ('_jsonata_function' in v || '_jsonata_lambda' in v) return 'unsupported';
        for (const k of Object.keys(v)) {
          chars += k.length;
          stack.push(v[k]);
        }
      }
    }
    if (chars > maxChars) return 'tooLarge';
  }
  return 'ok';
}

let nextSeq = 0;
const pendingServices = new Map();

async function evaluate(m) {
  const expr = compile(m.text, m.timeoutMs, m.maxDepth);
  const ask = (name) =>
    new Promise((resolve) => {
      const seq = ++nextSeq;
      pendingServices.set(seq, resolve);
      post({ type: 'service', id: m.id, seq, name });
    });
  const bindings = Object.assign({}, m.bindings);
  bindings[SERVICES] = ask;
  let result;
  try {
    result = await expr.evaluate(undefined, bindings);
  } catch (e) {
    const shape = typeof e === 'object' && e !== null ? e : {};
    return {
      kind: 'error',
      code: typeof shape.code === 'string' ? shape.code : undefined,
      message: typeof shape.message === 'string' ? shape.message : String(e),
      range: e instanceof RangeError,
    };
  }
  const verdict = checkResult(result, m.maxResultChars);
  if (verdict !== 'ok') return { kind: verdict };
  return { kind: 'value', value: result };
}

parentPort.on('message', (m) => {
  if (m.type === 'service') {
    const resolve = pendingServices.get(m.seq);
    pendingServices.delete(m.seq);
    if (resolve !== undefined) resolve(m.value);
    return;
  }
  evaluate(m).then(
    (outcome) => post({ type: 'done', id: m.id, outcome }),
    (e) => post({ type: 'done', id: m.id, outcome: { kind: 'error', message: String(e && e.message ? e.message : e), range: false } }),
  );
});
`;

/**
 * The sandbox process's main thread relays messages to the evaluator thread and watches the
 * server: when the server dies (even by kill -9) the IPC channel closes, and process.exit ends the
 * process, which stops the evaluator even inside a runaway regex. Without the relay a stuck
 * evaluation would outlive the server, burning a core.
 */
export const SANDBOX_WORKER_SOURCE = `'use strict';
const { Worker } = require('node:worker_threads');
const evaluator = new Worker(${JSON.stringify(EVALUATOR_SOURCE)}, { eval: true, workerData: { jsonataPath: process.argv[1] } });
evaluator.on('message', (m) => process.send(m));
evaluator.on('error', () => process.exit(1));
evaluator.on('exit', () => process.exit(1));
process.on('message', (m) => evaluator.postMessage(m));
process.on('disconnect', () => process.exit(0));
`;
