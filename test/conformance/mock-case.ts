/**
 * Cases that run with a Step Functions Local mock configuration (`requires: ["mock-config"]`, the
 * config in `mock.config`). Their recordings were made on AWS with the real services
 * (LocalStack's local_mocking tests record on AWS and replay with the mock), so a mocked run can
 * match everything but what only the real service adds; LocalStack's own tests skip exactly those
 * fields (`skip_snapshot_verify` in local_mocking/test_base_scenarios.py and test_base_callbacks.py).
 */
import { findTestCase, parseMockConfig, type MockTestCase } from '../../src/integrations/mock-config.js';
import type { ExpectedResult, RecordedEvent } from './compare.js';

export interface CaseMock {
  readonly state_machine_name?: string;
  readonly test_name?: string;
  readonly config: unknown;
}

/**
 * Fields the real services' responses carry and a mocked response does not: SDK response metadata,
 * Lambda's ExecutedVersion, a nested execution's redrive fields, and the output of TaskSubmitted
 * (the submitting call's response, which a mock of the whole task does not have).
 */
const REAL_SERVICE_ONLY = new Set([
  'SdkHttpMetadata',
  'SdkResponseMetadata',
  'ExecutedVersion',
  'RedriveCount',
  'RedriveStatus',
  'RedriveStatusReason',
]);

/** The requirements a mock serves when it answers every Task state of the definition. */
const SERVED_BY_MOCK = /^(lambda|callback|nested-execution|sqs|sns|dynamodb|s3|events|unknown-service|aws-sdk:.*)$/;

/** The test case the case runs: the one it names, else the config's only machine and test case. */
export function caseTestCase(mock: CaseMock): MockTestCase {
  const config = parseMockConfig(mock.config);
  const machine = mock.state_machine_name ?? onlyKey(config.stateMachines, 'state machine');
  const cases = config.stateMachines.get(machine);
  const test = mock.test_name ?? (cases === undefined ? '' : onlyKey(cases, 'test case'));
  return findTestCase(config, machine, test);
}

function onlyKey(map: ReadonlyMap<string, unknown>, what: string): string {
  if (map.size !== 1) throw new Error(`the mock configuration has ${map.size} ${what}s and the case names none`);
  return [...map.keys()][0];
}

/** Names of every Task state in a definition, in Parallel branches and Map processors too. */
export function taskStateNames(definition: unknown, found: string[] = []): string[] {
  if (typeof definition !== 'object' || definition === null) return found;
  const states = (definition as { States?: unknown }).States;
  if (typeof states !== 'object' || states === null) return found;
  for (const [name, state] of Object.entries(states)) {
    if (typeof state !== 'object' || state === null) continue;
    const s = state as { Type?: unknown; Branches?: unknown; ItemProcessor?: unknown; Iterator?: unknown };
    if (s.Type === 'Task') found.push(name);
    if (Array.isArray(s.Branches)) for (const b of s.Branches) taskStateNames(b, found);
    taskStateNames(s.ItemProcessor, found);
    taskStateNames(s.Iterator, found);
  }
  return found;
}

/** The case's requirements left once its mock answers every Task state (all of them when it does not). */
export function requirementsBeyondMock(
  requires: readonly string[],
  definition: unknown,
  mock: CaseMock | undefined,
): readonly string[] {
  if (mock === undefined) return requires;
  let testCase: MockTestCase;
  try {
    testCase = caseTestCase(mock);
  } catch {
    return requires;
  }
  if (!taskStateNames(definition).every((name) => testCase.states.has(name))) return requires;
  return requires.filter((r) => !SERVED_BY_MOCK.test(r));
}

function withoutRealServiceFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRealServiceFields);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!REAL_SERVICE_ONLY.has(k)) out[k] = withoutRealServiceFields(v);
  return out;
}

/** Events without TaskSubmitted's output (either side: ours is the mock's placeholder). */
export function withoutSubmittedOutput<E extends RecordedEvent>(events: readonly E[]): E[] {
  return events.map((e) => {
    const details = e.taskSubmittedEventDetails as Record<string, unknown> | undefined;
    if (details === undefined || !('output' in details)) return e;
    const rest: Record<string, unknown> = { ...details };
    delete rest.output;
    delete rest.outputDetails;
    return { ...e, taskSubmittedEventDetails: rest };
  });
}

/** What a mocked run is compared with: the recording without the real services' own fields. */
export function mockedExpectation(expected: ExpectedResult): ExpectedResult {
  const stripped = withoutRealServiceFields(expected) as ExpectedResult;
  return stripped.events === undefined ? stripped : { ...stripped, events: withoutSubmittedOutput(stripped.events) };
}
