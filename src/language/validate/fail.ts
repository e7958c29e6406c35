/** Fail states: Error or ErrorPath, Cause or CausePath, never both forms. */
import type { StateContext } from './context.js';
import { checkJsonataExpression, checkPathOrIntrinsicField, isJsonataText } from './expressions.js';
import { field } from './report.js';
import { checkNotBoth, checkString, get, has } from './values.js';

export function checkFail(ctx: StateContext): void {
  const { report, state, path } = ctx;
  for (const name of ['Error', 'Cause']) {
    const pathName = `${name}Path`;
    checkNotBoth(report, state, path, name, pathName);
    if (has(state, name)) {
      const value = get(state, name);
      if (checkString(report, value, field(path, name)) && ctx.ql === 'JSONata' && isJsonataText(value)) {
        checkJsonataExpression(report, value, field(path, name));
      }
    }
    if (has(state, pathName) && ctx.ql === 'JSONPath') checkPathOrIntrinsicField(report, get(state, pathName), field(path, pathName), pathName);
  }
}
