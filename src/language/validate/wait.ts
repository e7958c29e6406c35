/** Wait states: exactly one of Seconds, Timestamp, SecondsPath, TimestampPath. */
import type { StateContext } from './context.js';
import { checkJsonataExpression, checkReferencePathField, isJsonataText } from './expressions.js';
import { field } from './report.js';
import { RFC3339_MESSAGE, isRfc3339Timestamp } from './rfc3339.js';
import { checkInteger, get, has, typeMessage } from './values.js';

const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'];

export const MAX_WAIT_SECONDS = 99999999;

export function checkWait(ctx: StateContext): void {
  const { report, state, path } = ctx;
  const present = WAIT_FIELDS.filter((f) => has(state, f));
  if (present.length !== 1) {
    report.schemaError(path, `Exactly one of [${WAIT_FIELDS.join(', ')}] is required`);
  }
  if (has(state, 'Seconds')) {
    const seconds = get(state, 'Seconds');
    if (ctx.ql === 'JSONata' && isJsonataText(seconds)) checkJsonataExpression(report, seconds, field(path, 'Seconds'));
    else checkInteger(report, seconds, field(path, 'Seconds'), { min: 0, max: MAX_WAIT_SECONDS });
  }
  if (has(state, 'Timestamp')) {
    const at = field(path, 'Timestamp');
    const timestamp = get(state, 'Timestamp');
    if (typeof timestamp !== 'string') report.schemaError(at, typeMessage('STRING'));
    // A `{% … %}` Timestamp is an expression only in JSONata; in JSONPath it is a bad timestamp.
    else if (ctx.ql === 'JSONata' && isJsonataText(timestamp)) checkJsonataExpression(report, timestamp, at);
    else if (!isRfc3339Timestamp(timestamp)) report.schemaError(at, RFC3339_MESSAGE);
  }
  if (ctx.ql === 'JSONPath') {
    for (const name of ['SecondsPath', 'TimestampPath']) {
      if (has(state, name)) checkReferencePathField(report, get(state, name), field(path, name), name);
    }
  }
}
