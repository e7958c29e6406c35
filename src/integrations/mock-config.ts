/**
 * AWS Step Functions Local's mock configuration file (MockConfigFile.json), unchanged:
 *
 * ```json
 * { "StateMachines": { "Machine": { "TestCases": { "HappyPath": { "StateName": "ResponseName" } } } },
 *   "MockedResponses": { "ResponseName": { "0": { "Throw": { "Error": "E", "Cause": "C" } }, "1-2": { "Return": {} } } } }
 * ```
 *
 * A test case is chosen when an execution starts (`arn:…:stateMachine:Machine#HappyPath`). Each Task
 * state it names answers from its mocked response instead of calling its resource: the Nth call of
 * that state in the execution (from 0, retries and loops counted) takes the response whose range
 * holds N. States the test case does not name call their integrations as usual.
 */
import { readFileSync } from 'node:fs';
import type { TaskProgress, TaskRequest, TaskResources, TaskResult } from '../engine/types.js';
import type { Json } from '../language/json.js';
import { parseResourceArn } from '../language/resource-arn.js';

/** One invocation's answer: the result the service would have given, or the error it fails with. */
export type MockedResponse =
  | { readonly kind: 'return'; readonly value: Json }
  | { readonly kind: 'throw'; readonly error: string; readonly cause: string };

/** A test case: per state name, its responses by invocation number (ranges expanded). */
export interface MockTestCase {
  readonly stateMachineName: string;
  readonly name: string;
  readonly states: ReadonlyMap<
    string,
    { readonly responseName: string; readonly responses: readonly MockedResponse[] }
  >;
}

export interface MockConfig {
  /** Test cases by state machine name, then by test case name. */
  readonly stateMachines: ReadonlyMap<string, ReadonlyMap<string, MockTestCase>>;
}

/** The mock file is not what Step Functions Local accepts; `pointer` names the place (`/MockedResponses/R/0/Throw`). */
export class MockConfigError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(pointer === '' ? message : `${pointer}: ${message}`);
    this.name = 'MockConfigError';
  }
}

/** The test case a start asked for does not exist in the configuration. */
export class MockTestCaseNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MockTestCaseNotFoundError';
  }
}

/** The last invocation a range may name: ranges are expanded in memory, so a typo such as "0-99999999" is refused. */
const MAX_INVOCATION_NUMBER = 1_000_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const at = (pointer: string, key: string): string => `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Own keys of a parsed JSON object with their values (JSON.parse makes `__proto__` an own key). */
function entries(value: Record<string, unknown>): [string, unknown][] {
  return Object.keys(value).map((k) => [k, value[k]]);
}

function parseRange(key: string, pointer: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(key);
  if (m === null) throw new MockConfigError(pointer, `'${key}' is not an invocation number ("0") or range ("1-2")`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (end < start) throw new MockConfigError(pointer, `range '${key}' ends before it starts`);
  if (end > MAX_INVOCATION_NUMBER)
    throw new MockConfigError(pointer, `range '${key}' goes past invocation ${MAX_INVOCATION_NUMBER}`);
  return [start, end];
}

function parseResponse(value: unknown, pointer: string): MockedResponse {
  if (!isRecord(value)) throw new MockConfigError(pointer, 'must be an object with "Return" or "Throw"');
  const hasReturn = Object.hasOwn(value, 'Return');
  const hasThrow = Object.hasOwn(value, 'Throw');
  if (hasReturn === hasThrow)
    throw new MockConfigError(
      pointer,
      hasReturn ? 'has both "Return" and "Throw"; give one' : 'needs "Return" or "Throw"',
    );
  for (const k of Object.keys(value))
    if (k !== 'Return' && k !== 'Throw')
      throw new MockConfigError(at(pointer, k), 'is not a field of a mocked response (Return, Throw)');
  if (hasReturn) return { kind: 'return', value: value.Return as Json };
  const t = value.Throw;
  const tp = at(pointer, 'Throw');
  if (!isRecord(t)) throw new MockConfigError(tp, 'must be an object with "Error" and "Cause"');
  if (typeof t.Error !== 'string') throw new MockConfigError(at(tp, 'Error'), 'must be a string');
  if (t.Cause !== undefined && typeof t.Cause !== 'string')
    throw new MockConfigError(at(tp, 'Cause'), 'must be a string');
  return { kind: 'throw', error: t.Error, cause: t.Cause ?? '' };
}

/** A mocked response's ranges, which must follow each other from 0 without a gap or an overlap. */
function parseResponses(value: unknown, pointer: string): MockedResponse[] {
  if (!isRecord(value))
    throw new MockConfigError(pointer, 'must be an object of invocation ranges ("0", "1-2") to responses');
  const ranges = entries(value).map(([key, v]) => {
    const [start, end] = parseRange(key, at(pointer, key));
    return { key, start, end, response: parseResponse(v, at(pointer, key)) };
  });
  if (ranges.length === 0) throw new MockConfigError(pointer, 'has no responses');
  ranges.sort((a, b) => a.start - b.start);
  const out: MockedResponse[] = [];
  for (const r of ranges) {
    if (r.start !== out.length) {
      throw new MockConfigError(
        at(pointer, r.key),
        r.start < out.length
          ? `overlaps invocation ${r.start}, which an earlier range answers`
          : `starts at invocation ${r.start}, but nothing answers invocation ${out.length}`,
      );
    }
    for (let i = r.start; i <= r.end; i++) out.push(r.response);
  }
  return out;
}

/** Validates a parsed mock configuration; every error names its JSON place. */
export function parseMockConfig(value: unknown): MockConfig {
  if (!isRecord(value))
    throw new MockConfigError(
      '',
      'a mock configuration must be a JSON object with "StateMachines" and "MockedResponses"',
    );
  for (const k of Object.keys(value))
    if (k !== 'StateMachines' && k !== 'MockedResponses')
      throw new MockConfigError(at('', k), 'is not a field of a mock configuration (StateMachines, MockedResponses)');
  const rawResponses = value.MockedResponses ?? {};
  if (!isRecord(rawResponses)) throw new MockConfigError('/MockedResponses', 'must be an object');
  const responses = new Map<string, MockedResponse[]>();
  for (const [name, v] of entries(rawResponses)) responses.set(name, parseResponses(v, at('/MockedResponses', name)));
  const rawMachines = value.StateMachines ?? {};
  if (!isRecord(rawMachines)) throw new MockConfigError('/StateMachines', 'must be an object');
  const stateMachines = new Map<string, Map<string, MockTestCase>>();
  for (const [machineName, machine] of entries(rawMachines)) {
    const mp = at('/StateMachines', machineName);
    if (!isRecord(machine) || !isRecord(machine.TestCases))
      throw new MockConfigError(
        isRecord(machine) ? at(mp, 'TestCases') : mp,
        isRecord(machine) ? 'must be an object of test cases' : 'must be an object with "TestCases"',
      );
    const cases = new Map<string, MockTestCase>();
    for (const [caseName, testCase] of entries(machine.TestCases)) {
      const cp = at(at(mp, 'TestCases'), caseName);
      if (!isRecord(testCase))
        throw new MockConfigError(cp, 'must be an object of state names to mocked response names');
      const states = new Map<string, { responseName: string; responses: MockedResponse[] }>();
      for (const [stateName, responseName] of entries(testCase)) {
        const sp = at(cp, stateName);
        if (typeof responseName !== 'string') throw new MockConfigError(sp, 'must be the name of a mocked response');
        const found = responses.get(responseName);
        if (found === undefined)
          throw new MockConfigError(
            sp,
            `names mocked response '${responseName}', which /MockedResponses does not define`,
          );
        states.set(stateName, { responseName, responses: found });
      }
      cases.set(caseName, { stateMachineName: machineName, name: caseName, states });
    }
    stateMachines.set(machineName, cases);
  }
  return { stateMachines };
}

/** Reads and validates a mock configuration file; errors start with the file's name. */
export function loadMockConfigFile(file: string): MockConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MockConfigError('', `${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new MockConfigError('', `${file}: not JSON: ${(e as Error).message}`);
  }
  try {
    return parseMockConfig(parsed);
  } catch (e) {
    if (e instanceof MockConfigError) throw new MockConfigError('', `${file}: ${e.message}`);
    throw e;
  }
}

/** The test case `machineName#testCaseName` names, or MockTestCaseNotFoundError with SFN Local's reasons. */
export function findTestCase(config: MockConfig | undefined, machineName: string, testCaseName: string): MockTestCase {
  if (config === undefined)
    throw new MockTestCaseNotFoundError(
      `Test case '${testCaseName}' was asked for, but no mock configuration is loaded (--mock-config FILE or SFN_MOCK_CONFIG)`,
    );
  const cases = config.stateMachines.get(machineName);
  if (cases === undefined)
    throw new MockTestCaseNotFoundError(
      `No definitions for state machine '${machineName}' in the mock configuration file`,
    );
  const found = cases.get(testCaseName);
  if (found === undefined)
    throw new MockTestCaseNotFoundError(
      `No definitions for test case '${testCaseName}' and state machine '${machineName}' in the mock configuration file`,
    );
  return found;
}

/** `…:stateMachine:Name[:qualifier]#TestCase` split into the ARN and the test case name. */
export function splitTestCaseArn(arn: string): { readonly arn: string; readonly testCase?: string } {
  const hash = arn.indexOf('#');
  return hash < 0 ? { arn } : { arn: arn.slice(0, hash), testCase: arn.slice(hash + 1) };
}

/**
 * The result a mocked response stands for. Lambda's function-ARN form answers with the function's
 * payload, so a Return shaped as Invoke's response (`{StatusCode, Payload}`) gives its `Payload`
 * (local_mocking/test_base_scenarios.py::test_lambda_invoke). `.sync` and `.waitForTaskToken`
 * Tasks report their submission first (TaskSubmitted, as AWS records before the job's or the
 * callback's answer) and the response is that answer.
 */
export function mockedTaskResult(request: TaskRequest, response: MockedResponse, progress?: TaskProgress): TaskResult {
  const arn = parseResourceArn(request.resource);
  if (arn.pattern !== 'requestResponse') progress?.submitted({});
  if (response.kind === 'throw') return { ok: false, error: response.error, cause: response.cause };
  const v = response.value;
  const output = arn.kind === 'lambdaFunction' && isRecord(v) && Object.hasOwn(v, 'Payload') ? (v.Payload as Json) : v;
  // Final: a mocked callback Task waits for no token.
  return { ok: true, output, final: true };
}

/**
 * The mocked answers of the executions that run a test case. Invocations are counted per
 * execution and state; a dispatch repeated with the same idempotency key (a restart's) gets the
 * answer it got the first time.
 */
export class MockedExecutions {
  private readonly selected = new Map<string, MockTestCase>();
  private readonly counts = new Map<string, number>();
  /** Per execution, the response each idempotency key got. */
  private readonly answered = new Map<string, Map<string, MockedResponse>>();

  /** The execution answers from this test case from now on. */
  select(executionArn: string, testCase: MockTestCase): void {
    this.selected.set(executionArn, testCase);
  }

  testCaseOf(executionArn: string): MockTestCase | undefined {
    return this.selected.get(executionArn);
  }

  /** Forgets an execution that ended (its counts too). */
  forget(executionArn: string): void {
    this.selected.delete(executionArn);
    this.answered.delete(executionArn);
    for (const k of this.counts.keys()) if (k.startsWith(`${executionArn}\0`)) this.counts.delete(k);
  }

  /**
   * The response for this invocation, undefined when the state is not mocked (it calls its
   * resource), or a States.Runtime failure when the state was called more often than its ranges say.
   */
  responseFor(request: TaskRequest & { readonly idempotencyKey?: string }): MockedResponse | undefined {
    const testCase = this.selected.get(request.executionArn);
    const state = testCase?.states.get(request.stateName);
    if (state === undefined) return undefined;
    const key = request.idempotencyKey;
    const earlier = key === undefined ? undefined : this.answered.get(request.executionArn)?.get(key);
    if (earlier !== undefined) return earlier;
    const countKey = `${request.executionArn}\0${request.stateName}`;
    const n = this.counts.get(countKey) ?? 0;
    this.counts.set(countKey, n + 1);
    const response: MockedResponse = state.responses[n] ?? {
      kind: 'throw',
      error: 'States.Runtime',
      cause: `No mocked response definition for state '${request.stateName}' and invocation number '${n}': mocked response '${state.responseName}' answers invocations 0 to ${state.responses.length - 1}`,
    };
    if (key !== undefined) {
      let byKey = this.answered.get(request.executionArn);
      if (byKey === undefined) this.answered.set(request.executionArn, (byKey = new Map()));
      byKey.set(key, response);
    }
    return response;
  }

  /** Task resources that answer mocked states from their test case and send the rest to `underlying`. */
  resources(underlying?: TaskResources): TaskResources {
    return {
      invoke: (
        request: TaskRequest & { readonly idempotencyKey?: string },
        progress?: TaskProgress,
      ): Promise<TaskResult> => {
        const response = this.responseFor(request);
        if (response !== undefined) return Promise.resolve(mockedTaskResult(request, response, progress));
        if (underlying === undefined)
          return Promise.resolve({
            ok: false,
            error: 'States.Runtime',
            cause: `No resource is configured to serve '${request.resource}'`,
          });
        return underlying.invoke(request, progress);
      },
    };
  }
}

/** Task resources for one in-memory execution of one test case (the conformance runner, `stepwright test`). */
export function mockedResources(testCase: MockTestCase, underlying?: TaskResources): TaskResources {
  const mocks = new MockedExecutions();
  const resources = mocks.resources(underlying);
  return {
    invoke(request, progress) {
      if (mocks.testCaseOf(request.executionArn) === undefined) mocks.select(request.executionArn, testCase);
      return resources.invoke(request, progress);
    },
  };
}
