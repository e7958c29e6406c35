import { isJsonObject, type Json, type JsonObject } from '../language/json.js';
import { isJsonataExpression } from '../language/jsonata/index.js';
import type { TestStateRequest } from './test-state-request.js';

/**
 * The one-state machine a TestState request runs: the tested state under its own name, each
 * state it may go to replaced by a stand-in with a name of its own (so a Next that names the
 * tested state, or a state called like the stand-ins, cannot loop or collide), Retry left out
 * (TestState answers RETRIABLE instead of retrying), and a mocked Map or Parallel turned into a
 * Task the mock answers.
 */
export interface TestStateMachine {
  readonly definition: JsonObject;
  /** Stand-in name → the state it stands for. */
  readonly standIns: ReadonlyMap<string, string>;
  /** The stand-in names Catch leads to. */
  readonly catchStandIns: ReadonlySet<string>;
}

/** Any resource: the mock integration answers a mocked Map or Parallel whatever the resource. */
const MOCKED_RESOURCE = 'arn:aws:lambda:us-east-1:123456789012:function:TestStateMock';

/** The fields a mocked Map or Parallel keeps: its input and output processing, Catch and transition. */
const KEPT_WHEN_MOCKED = ['Comment', 'QueryLanguage', 'InputPath', 'OutputPath', 'ResultPath', 'ResultSelector', 'Output', 'Assign', 'Catch', 'Next', 'End'];

/** A value as a JSONata Assign keeps it: a string that looks like `{% … %}` becomes an expression giving that string. */
function jsonataLiteral(value: Json): Json {
  if (typeof value === 'string') return isJsonataExpression(value) ? `{% ${JSON.stringify(value)} %}` : value;
  if (Array.isArray(value)) return value.map(jsonataLiteral);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonataLiteral(v)]));
  return value;
}

function freshName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} ${i}`;
  taken.add(name);
  return name;
}

/**
 * `mocked` turns a Map or Parallel into the Task the mock answers; `keepRetry` keeps Retry (the
 * faithful machine the request is validated and inspected with, which is never run).
 */
export function buildTestStateMachine(req: TestStateRequest, options: { readonly mocked: boolean; readonly keepRetry: boolean }): TestStateMachine {
  const { mocked } = options;
  const taken = new Set<string>([req.name]);
  const standIns = new Map<string, string>();
  const catchStandIns = new Set<string>();
  const byTarget = new Map<string, string>();
  const standInFor = (target: string, fromCatch: boolean): string => {
    let s = byTarget.get(target);
    if (s === undefined) {
      s = freshName(taken, `Next state ${target}`.slice(0, 70));
      byTarget.set(target, s);
      standIns.set(s, target);
    }
    if (fromCatch) catchStandIns.add(s);
    return s;
  };

  let state: JsonObject = { ...req.state };
  if (!options.keepRetry) delete state.Retry;
  if (mocked && (req.type === 'Map' || req.type === 'Parallel')) {
    const task: JsonObject = { Type: 'Task', Resource: MOCKED_RESOURCE };
    for (const k of KEPT_WHEN_MOCKED) if (state[k] !== undefined) task[k] = state[k];
    // A Parallel's Parameters (JSONPath) and Arguments (JSONata) shape its input as a Task's do.
    if (req.type === 'Parallel' && state.Parameters !== undefined) task.Parameters = state.Parameters;
    if (req.type === 'Parallel' && state.Arguments !== undefined) task.Arguments = state.Arguments;
    state = task;
  }
  if (typeof state.Next === 'string') state.Next = standInFor(state.Next, false);
  if (typeof state.Default === 'string') state.Default = standInFor(state.Default, false);
  if (Array.isArray(state.Choices)) state.Choices = state.Choices.map((c) => (isJsonObject(c) && typeof c.Next === 'string' ? { ...c, Next: standInFor(c.Next, false) } : c));
  if (Array.isArray(state.Catch)) state.Catch = state.Catch.map((c) => (isJsonObject(c) && typeof c.Next === 'string' ? { ...c, Next: standInFor(c.Next, true) } : c));

  const states: Record<string, Json> = {};
  let startAt = req.name;
  const names = Object.keys(req.variables);
  if (names.length > 0) {
    // The variables the request sets, assigned by a Pass before the state: the engine's own scoping then applies.
    const seed = freshName(taken, 'Set variables');
    const assign: JsonObject = {};
    for (const v of names) assign[v] = jsonataLiteral(req.variables[v]);
    // JSONata, which a JSONPath machine allows in one state and a JSONata machine requires.
    states[seed] = { Type: 'Pass', QueryLanguage: 'JSONata', Assign: assign, Next: req.name };
    startAt = seed;
  }
  states[req.name] = state;
  // No QueryLanguage: a bare Pass is valid in either, and a JSONata machine refuses JSONPath states.
  for (const s of standIns.keys()) states[s] = { Type: 'Pass', End: true };
  const definition: JsonObject = { StartAt: startAt, States: states };
  if (req.machineQueryLanguage !== undefined) definition.QueryLanguage = req.machineQueryLanguage;
  return { definition, standIns, catchStandIns };
}
