import { StatesError, StatesErrors } from '../errors.js';
import type { Json } from '../json.js';

/**
 * AWS's cause texts for a JSONata expression that fails at run time, all with
 * States.QueryEvaluationError. `field` is the field's path inside the state as AWS writes it:
 * `Output`, `Output/result`, `Arguments/FunctionName`, `Assign/x`, `Items`, `Choices[0]/Condition`,
 * with `[i]` for an array element (`Output/list[2]`).
 */

/** Recorded: conformance assign/test_undefined_reference_*, states_variables/test_map_catch_error_*. */
export function returnedNothingCause(expression: string, field: string): string {
  return `The JSONata expression '${expression}' specified for the field '${field}' returned nothing (undefined).`;
}

/** Recorded for a function result (`$fn := function($x){$x}` in Items). */
export function unsupportedResultCause(expression: string, field: string): string {
  return `The JSONata expression '${expression}' specified for the field '${field}' returned an unsupported result type.`;
}

/** The type names AWS uses in "Expected 'array', but was 'number'". */
export type JsonataResultType = 'array' | 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export function jsonTypeName(value: Json): JsonataResultType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

/**
 * Recorded for Map `Items` that is not an array:
 * `… returned an unexpected result type. Expected 'array', but was 'object' for value: {"foo":"bar"}`.
 * The engine uses it for every field whose result must have one type (Items, and presumably
 * MaxConcurrency, TimeoutSeconds, … whose exact texts are not recorded).
 */
export function unexpectedResultTypeCause(expression: string, field: string, expected: string, value: Json): string {
  return (
    `The JSONata expression '${expression}' specified for the field '${field}' returned an unexpected result type. ` +
    `Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`
  );
}

/**
 * An error the JSONata library raised (`T2001`, `D3030`, a function of ours failing, the time or
 * depth bound). NOT recorded: the recordings hold no such failure, so the sentence follows the
 * recorded ones and appends the library's code and message.
 */
export function evaluationErrorCause(expression: string, field: string, detail: string): string {
  return `The JSONata expression '${expression}' specified for the field '${field}' threw an error during evaluation. ${detail}`;
}

export function queryEvaluationError(cause: string): StatesError {
  return new StatesError(StatesErrors.QueryEvaluationError, cause);
}
