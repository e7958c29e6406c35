/**
 * Syntax of every expression a definition carries: JSONPath paths, reference paths, payload
 * templates (keys ending `.$`), intrinsic function calls and `{% … %}` JSONata expressions. The
 * parsers are the ones the engine runs, so what validates here also compiles there.
 */
import { isJsonObject, type Json } from '../json.js';
import { syntax } from './syntax.js';
import { CODES, field, index, type Report } from './report.js';

const JSONATA_OPEN = '{%';
const JSONATA_CLOSE = '%}';

export function isJsonataText(value: Json | undefined): value is string {
  return typeof value === 'string' && value.startsWith(JSONATA_OPEN) && value.endsWith(JSONATA_CLOSE) && value.length >= 4;
}

/** A Path field (InputPath, OutputPath, ItemsPath …). `null` is allowed where `allowNull`. */
export function checkPathField(report: Report, value: Json | undefined, location: string, name: string, allowNull = false): void {
  if (value === null && allowNull) return;
  if (typeof value !== 'string' || !syntax.isPath(value)) {
    report.schemaError(location, `The value for the field '${name}' must be a valid JSONPath`);
  }
}

/** A ReferencePath field (ResultPath, TimeoutSecondsPath, Variable …). */
export function checkReferencePathField(report: Report, value: Json | undefined, location: string, name: string, allowNull = false): void {
  if (value === null && allowNull) return;
  if (typeof value !== 'string' || !syntax.isReferencePath(value)) {
    report.schemaError(location, `The value for the field '${name}' must be a valid ReferencePath`);
  }
}

/** ResultPath (state and catcher). */
export function checkResultPathField(report: Report, value: Json | undefined, location: string): void {
  if (value === null) return;
  if (typeof value !== 'string' || !syntax.isResultPath(value)) {
    report.schemaError(location, `The value for the field 'ResultPath' must be a valid ReferencePath`);
  }
}

/** ErrorPath / CausePath: a reference path or an intrinsic function call. */
export function checkPathOrIntrinsicField(report: Report, value: Json | undefined, location: string, name: string): void {
  if (typeof value === 'string' && (syntax.isIntrinsic(value) ? syntax.intrinsicError(value) === undefined : syntax.isReferencePath(value))) return;
  report.schemaError(location, `The value for the field '${name}' must be a valid JSONPath or a valid intrinsic function call`);
}

/**
 * A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign …): every key
 * ending `.$` holds a path or an intrinsic call. AWS locates the problem at the template field and
 * names the key in the message. Walked with an explicit stack: templates are untrusted and deep.
 */
export function checkPayloadTemplate(report: Report, template: Json | undefined, location: string): void {
  const stack: Json[] = [template ?? null];
  while (stack.length > 0) {
    const node = stack.pop() as Json;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
    } else if (isJsonObject(node)) {
      for (const key of Object.keys(node)) {
        const value = node[key];
        if (key.endsWith('.$') && key.length > 2) {
          if (!isValidDynamicValue(value)) {
            report.schemaError(location, `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`);
          }
        } else {
          stack.push(value);
        }
      }
    }
  }
}

function isValidDynamicValue(value: Json): boolean {
  if (typeof value !== 'string') return false;
  if (syntax.isIntrinsic(value)) return syntax.intrinsicError(value) === undefined;
  return syntax.isPath(value);
}

/**
 * Any value of a JSONata state's field: strings written `{% … %}` must parse. AWS locates a
 * JSONata problem at the exact nested key (`/States/E/Output/v`).
 */
export function checkJsonataValue(report: Report, value: Json | undefined, location: string): void {
  if (value === undefined) return;
  const stack: { node: Json; at: string }[] = [{ node: value, at: location }];
  while (stack.length > 0) {
    const { node, at } = stack.pop() as { node: Json; at: string };
    if (typeof node === 'string') {
      if (isJsonataText(node)) checkJsonataExpression(report, node, at);
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], at: index(at, i) });
    } else if (isJsonObject(node)) {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ node: node[keys[i]], at: field(at, keys[i]) });
    }
  }
}

export function checkJsonataExpression(report: Report, text: string, location: string): void {
  const problem = syntax.jsonataError(text);
  if (problem !== undefined) report.error(problem.code === 'unsupported' ? CODES.unsupportedJsonata : CODES.invalidJsonata, location, problem.message);
}
