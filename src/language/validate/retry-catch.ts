/**
 * Retry and Catch. AWS: "States.ALL must appear alone and at end of list", located at the
 * offending ErrorEquals entry (`/States/T/Retry[0]/ErrorEquals[0]`).
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { StateContext } from './context.js';
import { checkJsonataValue, checkPayloadTemplate, checkResultPathField } from './expressions.js';
import { wrongLanguageMessage } from './fields.js';
import { field, index, type Report } from './report.js';
import { checkArray, checkEnum, checkInteger, checkNumber, checkString, get, has, requireFields, typeMessage } from './values.js';

const ALL = 'States.ALL';
const STATES_ALL_MESSAGE = 'States.ALL must appear alone and at end of list';

const RETRIER_FIELDS = new Set(['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
const CATCHER_FIELDS = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment']);

/** Upper bounds AWS documents for retriers. */
const MAX_RETRY_INTEGER = 99999999;
const MAX_DELAY_SECONDS = 31622400;

export function checkRetry(ctx: StateContext): void {
  const { report, state, path } = ctx;
  if (!has(state, 'Retry')) return;
  const at = field(path, 'Retry');
  const retry = get(state, 'Retry');
  if (!checkArray(report, retry, at)) return;
  retry.forEach((retrier, i) => {
    const rat = index(at, i);
    if (!isJsonObject(retrier)) {
      report.schemaError(rat, typeMessage('OBJECT'));
      return;
    }
    for (const key of Object.keys(retrier)) if (!RETRIER_FIELDS.has(key)) report.schemaError(rat, `Field '${key}' is not supported`);
    if (!requireFields(report, retrier, rat, ['ErrorEquals'])) return;
    checkErrorEquals(report, get(retrier, 'ErrorEquals'), field(rat, 'ErrorEquals'), i === retry.length - 1);
    if (has(retrier, 'IntervalSeconds')) checkInteger(report, get(retrier, 'IntervalSeconds'), field(rat, 'IntervalSeconds'), { min: 1, max: MAX_RETRY_INTEGER });
    if (has(retrier, 'MaxAttempts')) checkInteger(report, get(retrier, 'MaxAttempts'), field(rat, 'MaxAttempts'), { min: 0, max: MAX_RETRY_INTEGER });
    if (has(retrier, 'BackoffRate')) checkNumber(report, get(retrier, 'BackoffRate'), field(rat, 'BackoffRate'), { min: 1 });
    if (has(retrier, 'MaxDelaySeconds')) checkInteger(report, get(retrier, 'MaxDelaySeconds'), field(rat, 'MaxDelaySeconds'), { min: 1, max: MAX_DELAY_SECONDS });
    if (has(retrier, 'JitterStrategy')) checkEnum(report, get(retrier, 'JitterStrategy'), field(rat, 'JitterStrategy'), ['FULL', 'NONE']);
    if (has(retrier, 'Comment')) checkString(report, get(retrier, 'Comment'), field(rat, 'Comment'));
  });
}

/** Checks the catchers' shapes; returns their `Next` targets with locations for the graph check. */
export function checkCatch(ctx: StateContext): { target: string; at: string }[] {
  const { report, state, path } = ctx;
  const targets: { target: string; at: string }[] = [];
  if (!has(state, 'Catch')) return targets;
  const at = field(path, 'Catch');
  const catchers = get(state, 'Catch');
  if (!checkArray(report, catchers, at)) return targets;
  catchers.forEach((catcher, i) => {
    const cat = index(at, i);
    if (!isJsonObject(catcher)) {
      report.schemaError(cat, typeMessage('OBJECT'));
      return;
    }
    checkCatcherFields(ctx, catcher, cat);
    if (!requireFields(report, catcher, cat, ['ErrorEquals', 'Next'])) {
      if (typeof get(catcher, 'Next') === 'string') targets.push({ target: get(catcher, 'Next') as string, at: field(cat, 'Next') });
      return;
    }
    checkErrorEquals(report, get(catcher, 'ErrorEquals'), field(cat, 'ErrorEquals'), i === catchers.length - 1);
    const next = get(catcher, 'Next');
    if (checkString(report, next, field(cat, 'Next'))) targets.push({ target: next, at: field(cat, 'Next') });
  });
  return targets;
}

function checkCatcherFields(ctx: StateContext, catcher: JsonObject, at: string): void {
  const { report, ql } = ctx;
  for (const key of Object.keys(catcher)) {
    if (!CATCHER_FIELDS.has(key)) report.schemaError(at, `Field '${key}' is not supported`);
    else if (ql === 'JSONPath' && key === 'Output') report.schemaError(at, wrongLanguageMessage(key, ql));
    else if (ql === 'JSONata' && key === 'ResultPath') report.schemaError(at, wrongLanguageMessage(key, ql));
  }
  if (has(catcher, 'Comment')) checkString(report, get(catcher, 'Comment'), field(at, 'Comment'));
  if (ql === 'JSONPath') {
    if (has(catcher, 'ResultPath')) checkResultPathField(report, get(catcher, 'ResultPath'), field(at, 'ResultPath'));
    if (has(catcher, 'Assign')) checkPayloadTemplate(report, get(catcher, 'Assign'), field(at, 'Assign'));
  } else {
    if (has(catcher, 'Output')) checkJsonataValue(report, get(catcher, 'Output'), field(at, 'Output'));
    if (has(catcher, 'Assign')) checkJsonataValue(report, get(catcher, 'Assign'), field(at, 'Assign'));
  }
}

function checkErrorEquals(report: Report, value: Json | undefined, at: string, isLast: boolean): void {
  if (!checkArray(report, value, at)) return;
  if (value.length === 0) {
    report.schemaError(at, 'The field must contain at least 1 element');
    return;
  }
  value.forEach((name, j) => {
    if (!checkString(report, name, index(at, j))) return;
    if (name === ALL && (value.length > 1 || !isLast)) report.schemaError(index(at, j), STATES_ALL_MESSAGE);
  });
}
