import type { Json } from '../language/json.js';
import { applyResultPath, selectPath } from '../language/jsonpath/index.js';
import type { CompiledState } from './compile.js';
import type { Frame } from './snapshot.js';
import { assignFromJsonata, assignFromTemplate, jsonataEnv, jsonPathScope, type Assignment, type StepContext } from './step.js';

/** A state's result passed through its output pipeline, plus the variables it assigns: the state's outcome. */
export interface StateOutput {
  readonly kind: 'next';
  readonly output: Json;
  readonly assign?: Assignment;
}

const EMPTY: Json = Object.freeze({}) as Json;

/** JSONPath: InputPath (absent = "$", null = {}). */
export function effectiveInput(ctx: StepContext, frame: Frame, state: CompiledState, raw: Json): Json {
  if (state.inputPath === undefined) return raw;
  if (state.inputPath === null) return EMPTY;
  return selectPath(state.inputPath, jsonPathScope(ctx, frame, state, raw));
}

/** JSONPath: Parameters applied to the effective input (absent = the input itself). */
export function parametersOf(ctx: StepContext, frame: Frame, state: CompiledState, effective: Json): Json {
  return state.parameters === undefined ? effective : state.parameters.evaluate(jsonPathScope(ctx, frame, state, effective));
}

/** JSONPath: ResultSelector → Assign → ResultPath → OutputPath. */
export function jsonPathOutput(ctx: StepContext, frame: Frame, state: CompiledState, raw: Json, result: Json): StateOutput {
  const selected = state.resultSelector === undefined ? result : state.resultSelector.evaluate(jsonPathScope(ctx, frame, state, result));
  const assign = assignFromTemplate(ctx, frame, state, state.assignPath, selected);
  return { kind: 'next', output: placeResult(ctx, frame, state, raw, selected), assign };
}

/** JSONPath: ResultPath → OutputPath, of a result already through ResultSelector. */
export function placeResult(ctx: StepContext, frame: Frame, state: CompiledState, raw: Json, selected: Json): Json {
  const combined = state.resultPath === undefined ? selected : applyResultPath(raw, selected, state.resultPath);
  return selectOutput(ctx, frame, state, combined);
}

export function selectOutput(ctx: StepContext, frame: Frame, state: CompiledState, value: Json): Json {
  if (state.outputPath === undefined) return value;
  if (state.outputPath === null) return EMPTY;
  return selectPath(state.outputPath, jsonPathScope(ctx, frame, state, value));
}

/** JSONata: Arguments (absent = the state input); `taskToken` is `$states.context.Task.Token`. */
export async function argumentsOf(ctx: StepContext, frame: Frame, state: CompiledState, raw: Json, taskToken?: string): Promise<Json> {
  if (state.arguments === undefined) return raw;
  return state.arguments.evaluate(jsonataEnv(ctx, frame, state, { input: raw }, taskToken === undefined ? undefined : { taskToken }));
}

/** JSONata: Assign and Output both see the values from before the state (AWS evaluates all right-hand sides first). */
export async function jsonataOutput(ctx: StepContext, frame: Frame, state: CompiledState, raw: Json, result: Json | undefined): Promise<StateOutput> {
  if (state.assignJsonata === undefined && state.output === undefined) return { kind: 'next', output: result ?? raw };
  const env = jsonataEnv(ctx, frame, state, result === undefined ? { input: raw } : { input: raw, result });
  const assign = await assignFromJsonata(state.assignJsonata, env);
  const output = state.output === undefined ? (result ?? raw) : await state.output.evaluate(env);
  return { kind: 'next', output, assign };
}

/** Runs the output pipeline of whichever query language the state uses. */
export function finishState(ctx: StepContext, frame: Frame, state: CompiledState, raw: Json, result: Json | undefined): StateOutput | Promise<StateOutput> {
  return state.queryLanguage === 'JSONata' ? jsonataOutput(ctx, frame, state, raw, result) : jsonPathOutput(ctx, frame, state, raw, result ?? raw);
}
