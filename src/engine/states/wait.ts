import { StatesError } from '../../language/errors.js';
import { selectPath } from '../../language/jsonpath/index.js';
import { parseTimestamp } from '../../language/timestamp.js';
import type { WaitState } from '../compile.js';
import { effectiveInput, finishState, selectOutput } from '../io.js';
import type { Frame } from '../snapshot.js';
import { assignFromTemplate, jsonPathScope, jsonataEnv, type Outcome, type StepContext } from '../step.js';

/** AWS refuses waits that end more than a year and a bit from now. */
const MAX_WAIT_MS = 366 * 24 * 3600 * 1000;

async function dueAtJsonata(ctx: StepContext, frame: Frame, state: WaitState): Promise<number> {
  const env = jsonataEnv(ctx, frame, state, { input: frame.input });
  if (state.seconds !== undefined) {
    const v = state.seconds.kind === 'literal' ? state.seconds.value : state.seconds.kind === 'jsonata' ? await state.seconds.expr.evaluate(env) : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new StatesError('States.QueryEvaluationError', `The JSONata expression specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '${JSON.stringify(v)}'`, 'Seconds');
    }
    return ctx.now + v * 1000;
  }
  const t = state.timestamp;
  const text = t === undefined ? undefined : t.kind === 'jsonata' ? await t.expr.evaluate(env) : t.kind === 'literal' ? t.value : undefined;
  const ms = typeof text === 'string' ? parseTimestamp(text) : undefined;
  if (ms === undefined) {
    throw new StatesError(
      'States.QueryEvaluationError',
      `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof text === 'string' ? text : JSON.stringify(text)}`,
      'Timestamp',
    );
  }
  return ms;
}

function dueAtJsonPath(ctx: StepContext, frame: Frame, state: WaitState): number {
  const input = effectiveInput(ctx, frame, state, frame.input);
  const s = state.seconds;
  if (s !== undefined) {
    if (s.kind === 'literal') return ctx.now + s.value * 1000;
    if (s.kind === 'path') {
      const v = selectPath(s.path, jsonPathScope(ctx, frame, state, input));
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new StatesError('States.Runtime', `The SecondsPath parameter cannot be parsed as a long value: ${s.path.text} == ${JSON.stringify(v)}`);
      }
      // As AWS: a negative count of seconds is no wait of zero, it fails the state.
      if (v < 0) throw new StatesError('States.Runtime', `The SecondsPath parameter references a negative value: ${s.path.text} == ${JSON.stringify(v)}`);
      return ctx.now + v * 1000;
    }
  }
  const t = state.timestamp;
  if (t?.kind === 'literal') {
    const ms = parseTimestamp(t.value);
    if (ms === undefined) throw new StatesError('States.Runtime', `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${t.value}`);
    return ms;
  }
  if (t?.kind === 'path') {
    const v = selectPath(t.path, jsonPathScope(ctx, frame, state, input));
    const ms = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (ms === undefined) {
      throw new StatesError(
        'States.Runtime',
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${t.path.text} == ${typeof v === 'string' ? v : JSON.stringify(v)}`,
      );
    }
    return ms;
  }
  return ctx.now;
}

function schedule(ctx: StepContext, frame: Frame, dueAt: number): Outcome {
  if (dueAt - ctx.now > MAX_WAIT_MS) throw new StatesError('States.Runtime', 'Wait state delay is too long.');
  const key = `wait:${frame.enteredEventId}`;
  frame.wait = { kind: 'timer', key, purpose: 'wait' };
  ctx.effects.push({ type: 'startTimer', frameId: frame.id, key, dueAt });
  return { kind: 'wait' };
}

export function runWait(ctx: StepContext, frame: Frame, state: WaitState): Outcome | Promise<Outcome> {
  if (state.queryLanguage === 'JSONata') return dueAtJsonata(ctx, frame, state).then((due) => schedule(ctx, frame, due));
  return schedule(ctx, frame, dueAtJsonPath(ctx, frame, state));
}

/** The timer fired: the Wait state passes its input through. */
export function resumeWait(ctx: StepContext, frame: Frame, state: WaitState): Outcome | Promise<Outcome> {
  if (state.queryLanguage === 'JSONata') return Promise.resolve(finishState(ctx, frame, state, frame.input, undefined));
  const effective = effectiveInput(ctx, frame, state, frame.input);
  const assign = assignFromTemplate(ctx, frame, state, state.assignPath, effective);
  return { kind: 'next', output: selectOutput(ctx, frame, state, effective), assign };
}
