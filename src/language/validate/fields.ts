/**
 * Which fields each state type accepts, in which query language, and how a state's effective
 * QueryLanguage resolves. Measured on AWS (see the wording below):
 * - a field of another state type, or no field at all: "Field 'X' is not supported", at the state;
 * - a field of the other language: "The QueryLanguage is set to 'JSONPath', but field 'Output' is
 *   only supported for the 'JSONata' QueryLanguage", at the state;
 * - a state's QueryLanguage is JSONPath only when written exactly "JSONPath"; absent, it is the
 *   machine's (a Map's or Parallel's own QueryLanguage is not inherited by the states inside);
 *   any other value makes it JSONata (and is reported against the enum).
 */
import type { QueryLanguage, StateType } from '../definition.js';
import type { Json, JsonObject } from '../json.js';
import { field, type Report } from './report.js';
import { get, has, typeMessage } from './values.js';

export const QUERY_LANGUAGES: readonly QueryLanguage[] = ['JSONPath', 'JSONata'];

const JSONPATH_ONLY: ReadonlySet<string> = new Set([
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'Result',
  'ItemsPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
]);

const JSONATA_ONLY: ReadonlySet<string> = new Set(['Output', 'Arguments', 'Items']);

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const TRANSITION = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath', 'Output', 'Assign'];
const ERRORS = ['Retry', 'Catch'];

export const STATE_FIELDS: Readonly<Record<StateType, ReadonlySet<string>>> = {
  Pass: new Set([...COMMON, ...TRANSITION, ...IO, 'Parameters', 'Result', 'ResultPath']),
  Task: new Set([
    ...COMMON,
    ...TRANSITION,
    ...IO,
    ...ERRORS,
    'Resource',
    'Parameters',
    'Arguments',
    'ResultSelector',
    'ResultPath',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
  ]),
  Choice: new Set([...COMMON, ...IO, 'Choices', 'Default']),
  Wait: new Set([...COMMON, ...TRANSITION, ...IO, 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath']),
  Succeed: new Set([...COMMON, 'InputPath', 'OutputPath', 'Output']),
  Fail: new Set([...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath']),
  Parallel: new Set([...COMMON, ...TRANSITION, ...IO, ...ERRORS, 'Branches', 'Parameters', 'Arguments', 'ResultSelector', 'ResultPath']),
  Map: new Set([
    ...COMMON,
    ...TRANSITION,
    ...IO,
    ...ERRORS,
    'ItemProcessor',
    'Iterator',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'Label',
  ]),
};

/** True when a field exists in the given language (fields of neither list exist in both). */
export function fieldInLanguage(name: string, ql: QueryLanguage): boolean {
  return ql === 'JSONPath' ? !JSONATA_ONLY.has(name) : !JSONPATH_ONLY.has(name);
}

export function wrongLanguageMessage(name: string, ql: QueryLanguage): string {
  const other: QueryLanguage = ql === 'JSONPath' ? 'JSONata' : 'JSONPath';
  return `The QueryLanguage is set to '${ql}', but field '${name}' is only supported for the '${other}' QueryLanguage`;
}

/** How AWS resolves a QueryLanguage value that is present: exactly "JSONPath", else JSONata. */
export function resolveQueryLanguage(value: Json | undefined, inherited: QueryLanguage): QueryLanguage {
  if (value === undefined) return inherited;
  return value === 'JSONPath' ? 'JSONPath' : 'JSONata';
}

/** Reports a QueryLanguage value outside the enum at its own field. */
export function checkQueryLanguageValue(report: Report, obj: JsonObject, path: string): void {
  if (!has(obj, 'QueryLanguage')) return;
  const value = get(obj, 'QueryLanguage');
  const at = field(path, 'QueryLanguage');
  if (typeof value !== 'string') report.schemaError(at, typeMessage('STRING'));
  else if (!(QUERY_LANGUAGES as readonly string[]).includes(value)) {
    report.schemaError(at, `Value should be one of the following: [${QUERY_LANGUAGES.join(', ')}]`);
  }
}

/**
 * The field check of one state. `skipLanguage`: the state illegally downgraded to JSONPath under a
 * JSONata machine; AWS then reports only that, not the other-language fields.
 */
export function checkStateFields(report: Report, state: JsonObject, path: string, type: StateType, ql: QueryLanguage, skipLanguage: boolean): void {
  const allowed = STATE_FIELDS[type];
  for (const key of Object.keys(state)) {
    if (!allowed.has(key)) report.schemaError(path, `Field '${key}' is not supported`);
    else if (!skipLanguage && !fieldInLanguage(key, ql)) report.schemaError(path, wrongLanguageMessage(key, ql));
  }
}
