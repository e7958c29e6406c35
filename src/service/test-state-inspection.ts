import { randomUUID } from 'node:crypto';
import type { CompiledState, NumberSource } from '../engine/index.js';
import { isJsonObject, type Json, type JsonObject } from '../language/json.js';
import { applyResultPath, selectPath } from '../language/jsonpath/index.js';
import type { Scope } from '../language/scope.js';

/** What the run of the tested state showed, as TestState's inspection needs it. */
export interface TestStateTrace {
  readonly input: Json;
  /** `$$` as the state saw it (for the paths and templates the inspection evaluates again). */
  readonly context: Json;
  readonly variables: JsonObject;
  /** The Task's effective Parameters / Arguments (TaskScheduled), JSON text. */
  readonly scheduledParameters?: string;
  /** The raw result: the Task's (TaskSucceeded) or the mocked Map's or Parallel's. */
  readonly result?: Json;
  readonly succeeded: boolean;
  /** Variables the state assigned (StateExited). */
  readonly assigned?: JsonObject;
  readonly errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
}

const text = (v: Json): string => JSON.stringify(v);

function scopeOf(input: Json, trace: TestStateTrace): Scope {
  return { input, context: trace.context, variable: (n) => (Object.prototype.hasOwnProperty.call(trace.variables, n) ? trace.variables[n] : undefined), random: Math.random, uuid: randomUUID };
}

/** Runs one inspection step; a step that cannot be evaluated again is left out, not reported wrong. */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** A Map's MaxConcurrency / ToleratedFailure… number: literal, or by a path on the effective input. */
export function numberOf(source: NumberSource | undefined, input: Json, trace: TestStateTrace): number | undefined {
  if (source === undefined) return undefined;
  if (source.kind === 'literal') return source.value;
  if (source.kind === 'path') {
    const v = attempt(() => selectPath(source.path, scopeOf(input, trace)));
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/**
 * `inspectionData` for DEBUG and TRACE, with the fields AWS shows for each state type and query
 * language (recorded: Pass with Result shows `result` but no afterInputPath/afterParameters; a
 * Map shows its settings but no `result`; JSONata states show only `input`, the Task's
 * `afterArguments` and the Map's settings).
 */
export function inspectionDataOf(state: CompiledState, trace: TestStateTrace): Record<string, unknown> {
  const data: Record<string, unknown> = { input: text(trace.input) };
  const jsonPath = state.queryLanguage === 'JSONPath';
  const afterInputPath = !jsonPath
    ? undefined
    : state.inputPath === undefined
      ? trace.input
      : state.inputPath === null
        ? {}
        : attempt(() => selectPath(state.inputPath as NonNullable<typeof state.inputPath>, scopeOf(trace.input, trace)));
  const passResult = state.type === 'Pass' ? state.result : undefined;

  if (jsonPath && afterInputPath !== undefined && passResult === undefined) data.afterInputPath = text(afterInputPath);
  let effective: Json | undefined;
  if (jsonPath && afterInputPath !== undefined && (state.type === 'Task' || state.type === 'Parallel' || (state.type === 'Pass' && passResult === undefined))) {
    effective =
      trace.scheduledParameters !== undefined
        ? (JSON.parse(trace.scheduledParameters) as Json)
        : state.parameters === undefined
          ? afterInputPath
          : attempt(() => state.parameters!.evaluate(scopeOf(afterInputPath, trace)));
    if (effective !== undefined) data.afterParameters = text(effective);
  }
  if (!jsonPath && trace.scheduledParameters !== undefined && (state.type === 'Task' || state.arguments !== undefined)) data.afterArguments = trace.scheduledParameters;
  if (state.type === 'Map') {
    if (jsonPath && afterInputPath !== undefined) {
      const items = state.itemsPath === undefined ? afterInputPath : attempt(() => selectPath(state.itemsPath!, scopeOf(afterInputPath, trace)));
      if (items !== undefined) data.afterItemsPath = text(items);
    }
    const scopeInput = afterInputPath ?? trace.input;
    data.maxConcurrency = numberOf(state.maxConcurrency, scopeInput, trace) ?? 0;
    const count = numberOf(state.toleratedFailureCount, scopeInput, trace);
    if (count !== undefined) data.toleratedFailureCount = count;
    const percentage = numberOf(state.toleratedFailurePercentage, scopeInput, trace);
    if (percentage !== undefined) data.toleratedFailurePercentage = percentage;
  }

  if (trace.succeeded) {
    const raw = passResult ?? (state.type === 'Pass' ? effective : trace.result);
    if (raw !== undefined && (state.type === 'Task' || passResult !== undefined)) data.result = text(raw);
    if (jsonPath && raw !== undefined && (state.type === 'Pass' || state.type === 'Task' || state.type === 'Map' || state.type === 'Parallel')) {
      const selected = state.resultSelector === undefined ? raw : attempt(() => state.resultSelector!.evaluate(scopeOf(raw, trace)));
      if (selected !== undefined) {
        data.afterResultSelector = text(selected);
        const placed = state.resultPath === undefined ? selected : attempt(() => applyResultPath(trace.input, selected, state.resultPath ?? null));
        if (placed !== undefined) data.afterResultPath = text(placed);
      }
    }
  }
  if (trace.errorDetails !== undefined) data.errorDetails = trace.errorDetails;
  const variables = { ...trace.variables, ...trace.assigned };
  if (Object.keys(variables).length > 0) data.variables = text(variables);
  return data;
}

/** The variables a StateExited event assigned (JSON texts by name), parsed. */
export function assignedOf(details: unknown): JsonObject | undefined {
  if (!isJsonObject(details as Json)) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(details as Record<string, unknown>)) out[k] = typeof v === 'string' ? (JSON.parse(v) as Json) : (v as Json);
  return out;
}
