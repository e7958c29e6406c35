import type { Json } from '../language/json.js';
import type { Scope } from '../language/scope.js';
import type { CompiledJsonataField, JsonataEnv, StatesBinding } from '../language/jsonata/index.js';
import type { CompiledTemplate } from '../language/template/index.js';
import type { CompiledMachine, CompiledState } from './compile.js';
import { contextObject } from './context-object.js';
import type { HistoryWriter } from './history.js';
import type { Frame, Snapshot } from './snapshot.js';
import type { Effect } from './effects.js';

/** Injected sources of non-determinism: the engine never makes ids or random numbers itself. */
export interface Ids {
  uuid(): string;
  random(): number;
  /**
   * False for an activity the caller knows not to exist (deleted): a fact of the world at this
   * instant, like the clock. Absent: every activity exists.
   */
  activityExists?(activityArn: string): boolean;
}

/** Everything one advance works with. */
export interface StepContext {
  readonly machine: CompiledMachine;
  readonly snapshot: Snapshot;
  readonly history: HistoryWriter;
  readonly effects: Effect[];
  readonly now: number;
  readonly ids: Ids;
  /** Frames that can run now, in order. */
  readonly ready: Frame[];
  /** State entries left before the advance yields. */
  readonly budget: { transitions: number };
  /** The one JSONPath scope of the advance (see jsonPathScope). */
  readonly scope: JsonPathScope;
}

/** What running (or resuming) a state decided. */
export type Outcome =
  | {
      readonly kind: 'next';
      readonly output: Json;
      /** Overrides the state's Next (Choice). */
      readonly next?: string;
      /** Variables to assign after the state (already evaluated). */
      readonly assign?: Assignment;
    }
  | {
      readonly kind: 'fail';
      readonly error?: string;
      readonly cause?: string;
      /** Set for JSONata evaluation failures, which AWS reports with an EvaluationFailed event. */
      readonly evaluation?: boolean;
      readonly location?: string;
      /** The Cause a Catch's error output shows when there is no cause (a task's timeout: AWS shows ""). */
      readonly caughtCause?: string;
      /** Another name Catch and Retry match the error by (States.HeartbeatTimeout: see taskTimedOut). */
      readonly alsoMatches?: string;
    }
  | { readonly kind: 'wait' };

export const failure = (error: string, cause?: string, location?: string): Outcome => ({ kind: 'fail', error, cause, location });

/** Variables a state assigns, by name. */
export type Assignment = { [name: string]: Json };

/** JSONPath Assign: a payload template evaluated with `$` = `input`. */
export function assignFromTemplate(ctx: StepContext, frame: Frame, state: CompiledState, template: CompiledTemplate | undefined, input: Json): Assignment | undefined {
  return template === undefined ? undefined : (template.evaluate(jsonPathScope(ctx, frame, state, input)) as Assignment);
}

/** JSONata Assign: each `{% %}` value evaluated with the state's `$states` bindings. */
export async function assignFromJsonata(field: CompiledJsonataField | undefined, env: JsonataEnv): Promise<Assignment | undefined> {
  return field === undefined ? undefined : ((await field.evaluate(env)) as Assignment);
}

export const dataLimitExceeded = (stateName: string): Outcome => ({
  kind: 'fail',
  error: 'States.DataLimitExceeded',
  cause: `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
});

export function lookupVariable(snapshot: Snapshot, frame: Frame, name: string): Json | undefined {
  let f: Frame | undefined = frame;
  while (f !== undefined) {
    if (Object.prototype.hasOwnProperty.call(f.variables, name)) return f.variables[name];
    f = f.parentId === null ? undefined : snapshot.frames[f.parentId];
  }
  return undefined;
}

/** All variables visible from a frame, inner scopes shadowing outer ones (for JSONata bindings). */
export function visibleVariables(snapshot: Snapshot, frame: Frame): { [name: string]: Json } {
  // The top-level frame's own scope is all there is: no copy needed (bindings only read it).
  if (frame.parentId === null) return frame.variables;
  const chain: Frame[] = [];
  for (let f: Frame | undefined = frame; f !== undefined; f = f.parentId === null ? undefined : snapshot.frames[f.parentId]) chain.push(f);
  const out: { [name: string]: Json } = {};
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, chain[i].variables);
  return out;
}

/**
 * A JSONPath evaluation scope whose `$$` is built only when an expression reads it. One per advance,
 * reset for each evaluation (see jsonPathScope): JSONPath evaluations are synchronous and keep no
 * scope, and allocating one per evaluation was a tenth of a Pass state's time.
 */
export class JsonPathScope implements Scope {
  input: Json = null;
  private frame: Frame | undefined = undefined;
  private stateType = '';
  private extra: Parameters<typeof contextObject>[3] = undefined;
  private contextValue: Json | undefined = undefined;

  constructor(private readonly ctx: Pick<StepContext, 'snapshot' | 'ids'>) {}

  reset(input: Json, frame: Frame, stateType: string, extra: Parameters<typeof contextObject>[3]): this {
    this.input = input;
    this.frame = frame;
    this.stateType = stateType;
    this.extra = extra;
    this.contextValue = undefined;
    return this;
  }

  get context(): Json {
    return (this.contextValue ??= contextObject(this.ctx.snapshot, this.frame!, this.stateType, this.extra));
  }

  get random(): () => number {
    return this.ctx.ids.random;
  }

  get uuid(): () => string {
    return this.ctx.ids.uuid;
  }

  variable(name: string): Json | undefined {
    return lookupVariable(this.ctx.snapshot, this.frame!, name);
  }
}

/**
 * The scope for one JSONPath evaluation: the advance's scope object, reset. Use it before asking
 * for the next one (every caller evaluates at once; nothing keeps a scope).
 */
export function jsonPathScope(
  ctx: StepContext,
  frame: Frame,
  state: CompiledState,
  input: Json,
  extra?: Parameters<typeof contextObject>[3],
): Scope {
  return ctx.scope.reset(input, frame, state.type, extra);
}

/** The context object of a frame's current state entry, built once per entry and retry. */
const contextCache = new WeakMap<Frame, { readonly entry: number; readonly retry: number; readonly value: Json }>();

function cachedContext(ctx: StepContext, frame: Frame, state: CompiledState, extra?: Parameters<typeof contextObject>[3]): Json {
  if (extra !== undefined) return contextObject(ctx.snapshot, frame, state.type, extra);
  const hit = contextCache.get(frame);
  if (hit !== undefined && hit.entry === frame.enteredEventId && hit.retry === frame.retryCount) return hit.value;
  const value = contextObject(ctx.snapshot, frame, state.type);
  contextCache.set(frame, { entry: frame.enteredEventId, retry: frame.retryCount, value });
  return value;
}

export function jsonataEnv(
  ctx: StepContext,
  frame: Frame,
  state: CompiledState,
  binding: Omit<StatesBinding, 'context'>,
  extra?: Parameters<typeof contextObject>[3],
): JsonataEnv {
  return {
    states: { ...binding, context: cachedContext(ctx, frame, state, extra) },
    variables: visibleVariables(ctx.snapshot, frame),
    random: ctx.ids.random,
    uuid: ctx.ids.uuid,
    // $now() and $millis() read the execution's clock, so a replay gives the same values.
    now: () => ctx.now,
  };
}
