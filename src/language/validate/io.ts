/** Input/output processing fields shared by many state types, in both query languages. */
import { isJsonObject } from '../json.js';
import type { StateContext } from './context.js';
import { checkJsonataValue, checkPathField, checkPayloadTemplate, checkResultPathField, isJsonataText } from './expressions.js';
import { field } from './report.js';
import { checkString, get, has, typeMessage } from './values.js';

export function checkIo(ctx: StateContext): void {
  const { report, state, path } = ctx;
  if (has(state, 'Comment')) checkString(report, get(state, 'Comment'), field(path, 'Comment'));
  if (ctx.ql === 'JSONPath') {
    for (const name of ['InputPath', 'OutputPath']) {
      if (has(state, name)) checkPathField(report, get(state, name), field(path, name), name, true);
    }
    if (has(state, 'ResultPath')) checkResultPathField(report, get(state, 'ResultPath'), field(path, 'ResultPath'));
    for (const name of ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign']) {
      if (!has(state, name)) continue;
      const value = get(state, name);
      if (name !== 'Parameters' && !isJsonObject(value)) report.schemaError(field(path, name), typeMessage('OBJECT'));
      else checkPayloadTemplate(report, value, field(path, name));
    }
  } else {
    for (const name of ['Output', 'Assign', 'ItemSelector']) {
      if (has(state, name)) checkJsonataValue(report, get(state, name), field(path, name));
    }
    if (has(state, 'Assign') && !isJsonObject(get(state, 'Assign'))) report.schemaError(field(path, 'Assign'), typeMessage('OBJECT'));
    if (has(state, 'Arguments')) {
      const args = get(state, 'Arguments');
      if (!isJsonObject(args) && !isJsonataText(args)) report.schemaError(field(path, 'Arguments'), typeMessage('OBJECT'));
      else checkJsonataValue(report, args, field(path, 'Arguments'));
    }
  }
}
