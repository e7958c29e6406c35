import { StatesError } from '../language/errors.js';
import type { Json } from '../language/json.js';
import { selectPath } from '../language/jsonpath/index.js';
import type { CompiledState, NumberSource } from './compile.js';
import type { Frame } from './snapshot.js';
import { jsonataEnv, jsonPathScope, type StepContext } from './step.js';

/**
 * Reads a numeric field (TimeoutSeconds, MaxConcurrency, ToleratedFailure… and their Path / JSONata
 * forms). `kind` decides how AWS validates a value read from the input: integers or floats.
 */
export function resolveNumber(
  ctx: StepContext,
  frame: Frame,
  state: CompiledState,
  source: NumberSource,
  input: Json,
  kind: 'integer' | 'float',
): number | Promise<number> {
  if (source.kind === 'literal') return source.value;
  if (source.kind === 'path') {
    const selected = selectPath(source.path, jsonPathScope(ctx, frame, state, input));
    const value = COUNTS_FROM_TEXT.has(source.field) ? integerFromText(selected) : selected;
    if (typeof value === 'number' && (kind === 'float' || Number.isInteger(value))) return value;
    throw new StatesError(
      'States.Runtime',
      `The ${source.field} field refers to value ${JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value))} which is not a valid ${kind}: ${source.path.text}`,
    );
  }
  return source.expr.evaluate(jsonataEnv(ctx, frame, state, { input })).then((value) => {
    if (typeof value === 'number' && (kind === 'float' || Number.isInteger(value))) return value;
    throw new StatesError(
      'States.QueryEvaluationError',
      `The JSONata expression specified for the field '${source.field}' returned an unexpected result type. Expected '${kind}', but was '${JSON.stringify(value)}'`,
    );
  });
}

/**
 * Fields whose path value AWS reads as an integer even when it is a string of digits ("1"):
 * MaxConcurrencyPath, and the batcher's and reader's counts, which the recordings set from
 * variables holding "2" (test_reference_in_map_state_max_items_path[MAP_STATE_REFERENCE_IN_MAX_PER_BATCH_PATH]).
 */
const COUNTS_FROM_TEXT = new Set(['MaxConcurrencyPath', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath', 'MaxItemsPath']);

function integerFromText(value: Json | undefined): Json | undefined {
  return typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
}
