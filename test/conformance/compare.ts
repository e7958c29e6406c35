/**
 * How a recorded AWS execution is compared with ours, as test/conformance/README.md says:
 * JSON texts compare as JSON, placeholders (`<uuid:0>`, `snf_role_arn`, …) match any value of their
 * kind, timestamps are not compared, and events of concurrent branches may interleave differently.
 * Every function here is pure and returns the list of differences (empty = equal).
 */

export interface Difference {
  /** JSON-pointer-ish location, e.g. `/events/7/stateExitedEventDetails/output/items/0`. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly note?: string;
}

/** Values a numbered placeholder (`<uuid:3>`, `<ArnPart_0idx>`) stood for; one placeholder, one value. */
export type Bindings = Map<string, string>;

/**
 * Whole strings the recorder wrote instead of a value that changes between runs. Besides the words
 * README.md lists, LocalStack's tests wrote `start-time`/`entered-time` for `$$.Execution.StartTime`
 * and `$$.State.EnteredTime` (base/test_base.py::TestSnfBase::test_query_context_object_values) and
 * `RandomNumberGenerated` for the result of States.MathRandom (test_math_operations.py::test_math_random),
 * and the header names `X-Amzn-Trace-Id`, `x-amzn-RequestId` and `RequestId` for the values of those
 * headers in Lambda's Invoke response (services/test_lambda_task_service.py::test_invoke).
 */
const PLACEHOLDER_WORDS = new Set([
  'timestamp',
  'date',
  'datetime',
  'snf_role_arn',
  // README.md's spelling of the role placeholder; the recorder's transformer wrote `snf_role_arn`.
  'sfn_role_arn',
  '111111111111',
  'start-time',
  'entered-time',
  // StartDate/StopDate of a nested execution's description (callback/test_callback.py::test_start_execution_sync).
  'start-date',
  'stop-date',
  'RandomNumberGenerated',
  'X-Amzn-Trace-Id',
  'x-amzn-RequestId',
  'RequestId',
  // Names the recorder replaced in the history but not in the case's input, and a nested
  // execution's ARNs (local_mocking/test_base_callbacks.py::test_sfn_start_execution_sync,
  // test_base_scenarios.py::test_dynamodb_put_get_item, ::test_events_put_events,
  // ::test_parallel_state_lambda).
  'execution-arn',
  'state-machine-arn',
  'table-name',
  'detail-type',
  'function_name_branch1',
  'function_name_branch2',
  // Outputs of a Parallel and its branches' states, replaced by their JSON path when the recorder
  // sorted the branches' events (test_base_scenarios.py::test_parallel_state_lambda).
  'executionSucceededEventDetails.output',
  'stateExitedEventDetails.output',
  // A Map Run's ARN in the older distributed Map recordings (scenarios/test_map_state_config_distributed_reentrant_lambda).
  'map_run_arn',
  // The names of the resources LocalStack's service tests made for each run: the bucket, the
  // object key, the DynamoDB table and the queue URL (services/test_aws_sdk_task_service.py::test_s3_put_object,
  // test_dynamodb_task_service.py, callback/test_callback.py::test_sqs_wait_for_task_token_call_chain).
  'bucket-name',
  'file-key',
  'sqs_queue_url',
  'x-amzn-requestid',
  'x-amz-crc32',
  'Server',
]);

/** The account id the recorder wrote inside ARNs; it stands for any 12-digit account id. */
const ACCOUNT_ID = '111111111111';

/**
 * `<...>`, and the bare words `lambda_function_name` and `lambda_function_N_name`, which some
 * recordings wrote for a function's name, alone or inside an ARN
 * (arguments/test_arguments.py::test_base_cases[BASE_LAMBDA_EMPTY], the `lambda_function_1_name` of
 * the Lambda service tests). A numbered one stands for one function throughout the case. And
 * `activity_arn`, the activity's ARN in the activity recordings (activities/test_activities.py),
 * also inside a cause ("The activity activity_arn does not exist."). And `<<task_token>:1>`, a
 * placeholder the recorder numbered twice (callback/test_callback.py::test_sqs_wait_for_task_token).
 */
const PLACEHOLDER = /<<[^<>]+>:\d+>|<[^<>]+>|lambda_function_(?:\d+_)?name|activity_arn/g;
const WHOLE_PLACEHOLDER = /^(?:<<[^<>]+>:\d+>|<[^<>]+>|lambda_function_(?:\d+_)?name|activity_arn)$/;

/** A placeholder is bound to one value only when it carries a number: `<uuid:0>`, `<ArnPart_0idx>`. */
function isNumberedPlaceholder(placeholder: string): boolean {
  return /\d/.test(placeholder) && !/^<(timestamp|start-date|stop-date|start-time|entered-time|date)>$/.test(placeholder);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const patternCache = new Map<string, { regex: RegExp; names: string[] } | null>();

/** A regex for an expected string with placeholders inside, or null when it has none. */
function placeholderPattern(expected: string): { regex: RegExp; names: string[] } | null {
  const cached = patternCache.get(expected);
  if (cached !== undefined) return cached;
  const names: string[] = [];
  let source = '';
  let last = 0;
  let any = false;
  for (const m of expected.matchAll(PLACEHOLDER)) {
    source += literalSource(expected.slice(last, m.index));
    source += '(.+?)';
    names.push(m[0]);
    last = m.index + m[0].length;
    any = true;
  }
  const tail = expected.slice(last);
  if (tail.includes(ACCOUNT_ID)) any = true;
  source += literalSource(tail);
  const result = any ? { regex: new RegExp(`^${source}$`, 's'), names } : null;
  patternCache.set(expected, result);
  return result;
}

function literalSource(text: string): string {
  return text.split(ACCOUNT_ID).map(escapeRegExp).join('\\d{12}');
}

/** Does the expected string (possibly with placeholders) match the actual string? Binds numbered placeholders. */
export function matchString(expected: string, actual: string, bindings: Bindings = new Map()): boolean {
  if (expected === actual) return true;
  if (PLACEHOLDER_WORDS.has(expected)) return true;
  if (WHOLE_PLACEHOLDER.test(expected)) return bind(expected, actual, bindings);
  const pattern = placeholderPattern(expected);
  if (pattern === null) return false;
  const m = pattern.regex.exec(actual);
  if (m === null) return false;
  const trial = new Map(bindings);
  for (let i = 0; i < pattern.names.length; i++) {
    if (!bind(pattern.names[i], m[i + 1], trial)) return false;
  }
  for (const [k, v] of trial) bindings.set(k, v);
  return true;
}

function bind(placeholder: string, actual: string, bindings: Bindings): boolean {
  if (actual === '') return false;
  if (!isNumberedPlaceholder(placeholder)) return true;
  const bound = bindings.get(placeholder);
  if (bound === undefined) {
    bindings.set(placeholder, actual);
    return true;
  }
  return bound === actual;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Compares an expected (recorded) value with an actual one. Strings on either side may be JSON
 * texts: the recorder parsed JSON held in strings, so an actual JSON text equals the parsed value
 * it encodes, and two strings are equal when both parse to equal values.
 */
export function compareValue(expected: unknown, actual: unknown, path = '', bindings: Bindings = new Map()): Difference[] {
  const diffs: Difference[] = [];
  compareInto(expected, actual, path, bindings, diffs);
  return diffs;
}

function compareInto(expected: unknown, actual: unknown, path: string, bindings: Bindings, diffs: Difference[]): void {
  if (typeof expected === 'string') {
    // A whole-value placeholder matches any value of its kind, not only strings (e.g. a Date).
    if (PLACEHOLDER_WORDS.has(expected) && actual !== undefined) return;
    if (/^<[^<>]+>$/.test(expected) && actual !== undefined && typeof actual !== 'string') return;
    if (typeof actual === 'string') {
      if (matchString(expected, actual, bindings)) return;
      const a = parseJson(actual);
      const e = parseJson(expected);
      // A JSON text of a string (`"\"date\""`) may hold a placeholder: compare the strings it encodes.
      if (a.ok && e.ok && typeof a.value === 'string' && typeof e.value === 'string' && matchString(e.value, a.value, bindings)) return;
      if (a.ok && e.ok && (isContainer(a.value) || isContainer(e.value) || a.value === e.value)) {
        const trial = new Map(bindings);
        const inner = compareValue(e.value, a.value, path, trial);
        if (inner.length === 0) {
          for (const [k, v] of trial) bindings.set(k, v);
          return;
        }
        diffs.push(...inner);
        return;
      }
      if (a.ok && isContainer(a.value) && !e.ok) {
        diffs.push({ path, expected, actual });
        return;
      }
    }
    if (isContainer(actual) && !(actual instanceof Date)) {
      // The recording kept a JSON text where we hold the parsed value.
      const e = parseJson(expected);
      if (e.ok && isContainer(e.value)) {
        compareInto(e.value, actual, path, bindings, diffs);
        return;
      }
    }
    diffs.push({ path, expected, actual });
    return;
  }
  if (typeof actual === 'string' && expected !== undefined) {
    // The actual side is a JSON text whose recorded counterpart was parsed.
    const a = parseJson(actual);
    if (a.ok) {
      compareInto(expected, a.value, path, bindings, diffs);
      return;
    }
    diffs.push({ path, expected, actual, note: 'expected a JSON value, got a string that is not JSON' });
    return;
  }
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (expected !== actual) diffs.push({ path, expected, actual });
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      diffs.push({ path, expected, actual, note: `expected array, got ${kindOf(actual)}` });
      return;
    }
    if (expected.length !== actual.length) {
      diffs.push({ path: `${path}/length`, expected: expected.length, actual: actual.length });
    }
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) compareInto(expected[i], actual[i], pointer(path, i), bindings, diffs);
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) {
      diffs.push({ path, expected, actual, note: `expected object, got ${kindOf(actual)}` });
      return;
    }
    for (const key of Object.keys(expected)) {
      if (!Object.prototype.hasOwnProperty.call(actual, key)) {
        diffs.push({ path: pointer(path, key), expected: expected[key], actual: undefined, note: 'missing' });
        continue;
      }
      compareInto(expected[key], actual[key], pointer(path, key), bindings, diffs);
    }
    for (const key of Object.keys(actual)) {
      if (!Object.prototype.hasOwnProperty.call(expected, key) && actual[key] !== undefined) {
        diffs.push({ path: pointer(path, key), expected: undefined, actual: actual[key], note: 'unexpected' });
      }
    }
    return;
  }
  if (expected !== actual) diffs.push({ path, expected, actual });
}

function isContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

// ---------------------------------------------------------------------------------------------
// Execution results

export interface ExpectedResult {
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: unknown;
  readonly events?: readonly RecordedEvent[];
}

export interface ActualResult {
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events?: readonly RecordedEvent[];
}

/** An event as recorded (ids may be masked as `[0]`) or as produced (timestamp a Date). */
export interface RecordedEvent {
  readonly type: string;
  readonly id: unknown;
  readonly previousEventId: unknown;
  readonly [key: string]: unknown;
}

export interface ResultComparison {
  readonly differences: Difference[];
  /** Whether the events matched in AWS's exact order (null when events were not compared). */
  readonly exactEventOrder: boolean | null;
}

/**
 * Compares status, output, error and cause, and the history when one was recorded and `events`
 * is true (express-sync cases carry none). `error`/`cause`/`output` missing in the recording must be
 * missing in ours too: AWS leaves them out when empty.
 */
export function compareResult(expected: ExpectedResult, actual: ActualResult, options: { events?: boolean } = {}): ResultComparison {
  const bindings: Bindings = new Map();
  const differences: Difference[] = [];
  if (expected.status !== actual.status) differences.push({ path: '/status', expected: expected.status, actual: actual.status });
  for (const field of ['output', 'error', 'cause'] as const) {
    const e = expected[field];
    const a = actual[field];
    if (e === undefined) {
      if (a !== undefined) differences.push({ path: `/${field}`, expected: undefined, actual: a, note: 'unexpected' });
      continue;
    }
    if (a === undefined) {
      differences.push({ path: `/${field}`, expected: e, actual: undefined, note: 'missing' });
      continue;
    }
    differences.push(...compareValue(e, a, `/${field}`, bindings));
  }
  let exactEventOrder: boolean | null = null;
  if (options.events !== false && expected.events !== undefined) {
    const ev = compareEvents(expected.events, actual.events ?? [], bindings);
    differences.push(...ev.differences);
    exactEventOrder = ev.exactEventOrder;
  }
  return { differences, exactEventOrder };
}

// ---------------------------------------------------------------------------------------------
// Histories

const DETAIL_IGNORED = new Set(['timestamp', 'type', 'id', 'previousEventId']);

function detailsOf(event: RecordedEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!DETAIL_IGNORED.has(k) && v !== undefined) out[k] = v;
  return out;
}

function compareEvent(expected: RecordedEvent, actual: RecordedEvent, path: string, bindings: Bindings, ids: boolean): Difference[] {
  const diffs: Difference[] = [];
  if (expected.type !== actual.type) diffs.push({ path: `${path}/type`, expected: expected.type, actual: actual.type });
  if (ids) {
    if (!sameId(expected.id, actual.id)) diffs.push({ path: `${path}/id`, expected: expected.id, actual: actual.id });
    if (!sameId(expected.previousEventId, actual.previousEventId)) {
      diffs.push({ path: `${path}/previousEventId`, expected: expected.previousEventId, actual: actual.previousEventId });
    }
  }
  compareInto(detailsOf(expected), detailsOf(actual), path, bindings, diffs);
  return diffs;
}

function sameId(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Masked ids: LocalStack's `SfnNoneRecursiveParallelTransformer` wrote `[0]` for branch events. */
function isMaskedId(id: unknown): boolean {
  return Array.isArray(id);
}

const PARALLEL_END = new Set(['ParallelStateSucceeded', 'ParallelStateAborted', 'ParallelStateExited', 'ParallelStateFailed']);

/**
 * Some recordings went through LocalStack's `SfnNoneRecursiveParallelTransformer`: the events after
 * each `ParallelStateStarted` got id `[0]` and previousEventId 0 and were sorted; and because its
 * sublist is not reset at the first closing event, the `ParallelStateSucceeded`/`Failed` right before
 * a `ParallelStateExited` was dropped (the slice it replaces is one longer than the sublist). To
 * compare, we put our history through the same transformation, quirk included.
 */
export function normaliseLikeParallelTransformer(events: readonly RecordedEvent[]): RecordedEvent[] {
  const out = events.map((e) => ({ ...e }));
  let startIdx = 0;
  let sublist: RecordedEvent[] = [];
  let inSublist = false;
  // Python's enumerate over a list mutated in the loop: the index keeps counting over the new list.
  for (let i = 0; i < out.length; i++) {
    const event = out[i];
    if (PARALLEL_END.has(event.type)) {
      out.splice(startIdx, i - startIdx, ...sublist);
      inSublist = false;
    } else if (event.type === 'ParallelStateStarted') {
      inSublist = true;
      sublist = [];
      startIdx = i + 1;
    } else if (inSublist) {
      const masked = { ...event, id: [0], previousEventId: 0 };
      out[i] = masked;
      sublist.push(masked);
    }
  }
  return out;
}

const CONCURRENT_START = new Set(['ParallelStateStarted', 'MapStateStarted']);

export interface EventsComparison {
  readonly differences: Difference[];
  readonly exactEventOrder: boolean;
}

/**
 * Events must agree in count, and each in type, id, previousEventId and details. When they do not
 * in that exact order and the history has Parallel/Map events, a second, order-tolerant match is
 * tried: every expected event must pair with a distinct actual event of the same type and details,
 * and each pair's predecessors (previousEventId) must pair too, so each branch/iteration keeps its
 * own order. That match makes the case pass; `exactEventOrder` reports whether AWS's order held.
 */
export function compareEvents(expected: readonly RecordedEvent[], actualEvents: readonly RecordedEvent[], bindings: Bindings = new Map()): EventsComparison {
  const masked = expected.some((e) => isMaskedId(e.id));
  const actual = masked ? normaliseLikeParallelTransformer(actualEvents) : [...actualEvents];
  const exact = compareEventsInOrder(expected, actual, bindings);
  if (exact.length === 0) return { differences: [], exactEventOrder: true };
  const concurrent = expected.some((e) => CONCURRENT_START.has(e.type)) || actual.some((e) => CONCURRENT_START.has(e.type));
  if (!concurrent || expected.length !== actual.length) return { differences: exact, exactEventOrder: false };
  const tolerant = matchEventsAnyOrder(expected, actual, bindings);
  return { differences: tolerant, exactEventOrder: false };
}

function compareEventsInOrder(expected: readonly RecordedEvent[], actual: readonly RecordedEvent[], bindings: Bindings): Difference[] {
  const diffs: Difference[] = [];
  if (expected.length !== actual.length) {
    diffs.push({ path: '/events/length', expected: expected.length, actual: actual.length });
  }
  const trial = new Map(bindings);
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    // Masked (sorted) events only need to be the same multiset: checked below.
    if (isMaskedId(expected[i].id)) continue;
    diffs.push(...compareEvent(expected[i], actual[i], `/events/${i}`, trial, true));
  }
  diffs.push(...compareMaskedRuns(expected, actual, trial));
  if (diffs.length === 0) for (const [k, v] of trial) bindings.set(k, v);
  return diffs;
}

/** Runs of masked events (sorted by the transformer) compare as multisets, position by position of the run. */
function compareMaskedRuns(expected: readonly RecordedEvent[], actual: readonly RecordedEvent[], bindings: Bindings): Difference[] {
  const diffs: Difference[] = [];
  const n = Math.min(expected.length, actual.length);
  let i = 0;
  while (i < n) {
    if (!isMaskedId(expected[i].id)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isMaskedId(expected[j].id)) j++;
    const pool = actual.slice(i, j).map((event, k) => ({ event, index: i + k }));
    for (let k = i; k < j; k++) {
      const at = pool.findIndex((p) => isMaskedId(p.event.id) && compareEvent(expected[k], p.event, '', new Map(bindings), false).length === 0);
      if (at < 0) {
        const best = pool.find((p) => p.event.type === expected[k].type) ?? pool[0];
        diffs.push({
          path: `/events/${k}`,
          expected: expected[k],
          actual: best?.event,
          note: 'no matching event among the concurrent (masked) events',
        });
        continue;
      }
      compareEvent(expected[k], pool[at].event, '', bindings, false);
      pool.splice(at, 1);
    }
    i = j;
  }
  return diffs;
}

function matchEventsAnyOrder(expected: readonly RecordedEvent[], actual: readonly RecordedEvent[], bindings: Bindings): Difference[] {
  const diffs: Difference[] = [];
  const byIdExpected = new Map<string, number>();
  const byIdActual = new Map<string, number>();
  expected.forEach((e, i) => byIdExpected.set(JSON.stringify(e.id), i));
  actual.forEach((e, i) => byIdActual.set(JSON.stringify(e.id), i));
  const pairOf = new Map<number, number>(); // expected index -> actual index
  const used = new Set<number>();
  const trial = new Map(bindings);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const prevE = byIdExpected.get(JSON.stringify(e.previousEventId));
    const candidates: number[] = [i, ...actual.keys()];
    let found = -1;
    for (const j of candidates) {
      if (j >= actual.length || used.has(j)) continue;
      const a = actual[j];
      if (a.type !== e.type) continue;
      if (!isMaskedId(e.id)) {
        const prevA = byIdActual.get(JSON.stringify(a.previousEventId));
        const wantPrev = prevE === undefined ? undefined : pairOf.get(prevE);
        if (prevE === undefined ? prevA !== undefined : wantPrev !== undefined && wantPrev !== prevA) continue;
      }
      if (compareEvent(e, a, '', new Map(trial), false).length !== 0) continue;
      found = j;
      break;
    }
    if (found < 0) {
      const near = i < actual.length ? actual[i] : undefined;
      const detail = near === undefined ? [] : compareEvent(e, near, `/events/${i}`, new Map(trial), true);
      diffs.push(
        detail.length > 0
          ? { ...detail[0], note: `no event in any order matches expected event ${i} (${e.type}); first difference from event ${i}` }
          : { path: `/events/${i}`, expected: e, actual: near, note: 'no event in any order matches' },
      );
      continue;
    }
    compareEvent(e, actual[found], '', trial, false);
    used.add(found);
    pairOf.set(i, found);
  }
  if (diffs.length === 0) for (const [k, v] of trial) bindings.set(k, v);
  return diffs;
}
