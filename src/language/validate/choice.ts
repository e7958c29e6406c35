/**
 * Choice states: JSONPath rules (Variable + exactly one comparison operator, or exactly one of
 * And/Or/Not, nested to any depth; Next only on top-level rules) and JSONata rules (Condition +
 * Next). Nested rules are walked with an explicit stack: definitions are untrusted.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { StateContext } from './context.js';
import { checkJsonataExpression, checkJsonataValue, checkPayloadTemplate, checkReferencePathField, isJsonataText } from './expressions.js';
import { wrongLanguageMessage } from './fields.js';
import { field, index, type Report } from './report.js';
import { checkArray, checkString, get, has, requireFields, typeMessage, type JsonTypeName } from './values.js';

type Operand = 'string' | 'number' | 'boolean' | 'timestamp';

const COMPARISONS: ReadonlyMap<string, Operand> = new Map<string, Operand>([
  ['StringEquals', 'string'],
  ['StringLessThan', 'string'],
  ['StringGreaterThan', 'string'],
  ['StringLessThanEquals', 'string'],
  ['StringGreaterThanEquals', 'string'],
  ['NumericEquals', 'number'],
  ['NumericLessThan', 'number'],
  ['NumericGreaterThan', 'number'],
  ['NumericLessThanEquals', 'number'],
  ['NumericGreaterThanEquals', 'number'],
  ['BooleanEquals', 'boolean'],
  ['TimestampEquals', 'timestamp'],
  ['TimestampLessThan', 'timestamp'],
  ['TimestampGreaterThan', 'timestamp'],
  ['TimestampLessThanEquals', 'timestamp'],
  ['TimestampGreaterThanEquals', 'timestamp'],
]);

const TYPE_TESTS: ReadonlySet<string> = new Set(['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']);

/** Every JSONPath comparison operator and its `…Path` form. */
export const CHOICE_COMPARISON_OPERATORS: readonly string[] = [
  ...COMPARISONS.keys(),
  ...[...COMPARISONS.keys()].map((op) => `${op}Path`),
  'StringMatches',
  ...TYPE_TESTS,
];

const COMBINATORS = ['And', 'Or', 'Not'];
const TOP_LEVEL_ONLY = new Set(['Next', 'Assign', 'Output']);
const JSONATA_RULE_FIELDS = new Set(['Condition', 'Next', 'Comment', 'Assign', 'Output']);

const OPERAND_TYPE: Readonly<Record<Operand, JsonTypeName>> = { string: 'STRING', number: 'NUMBER', boolean: 'BOOLEAN', timestamp: 'STRING' };

const EXACTLY_ONE = 'A Choice Rule must contain exactly one comparison operator, or exactly one of And, Or and Not';

function operandOf(op: string): { kind: 'literal'; type: Operand } | { kind: 'path' } | undefined {
  if (op === 'StringMatches') return { kind: 'literal', type: 'string' };
  if (TYPE_TESTS.has(op)) return { kind: 'literal', type: 'boolean' };
  const literal = COMPARISONS.get(op);
  if (literal) return { kind: 'literal', type: literal };
  if (op.endsWith('Path') && COMPARISONS.has(op.slice(0, -4))) return { kind: 'path' };
  return undefined;
}

function matchesOperand(value: Json | undefined, type: Operand): boolean {
  if (type === 'number') return typeof value === 'number';
  if (type === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string';
}

/** Checks Choices and Default; returns the transition targets with their locations. */
export function checkChoice(ctx: StateContext): { target: string; at: string }[] {
  const { report, state, path } = ctx;
  const targets: { target: string; at: string }[] = [];
  if (has(state, 'Default')) {
    const def = get(state, 'Default');
    if (checkString(report, def, field(path, 'Default'))) targets.push({ target: def, at: field(path, 'Default') });
  }
  if (!has(state, 'Choices')) return targets;
  const at = field(path, 'Choices');
  const choices = get(state, 'Choices');
  if (!checkArray(report, choices, at)) return targets;
  if (choices.length === 0) report.schemaError(at, 'The field must contain at least 1 element');
  choices.forEach((rule, i) => {
    const rat = index(at, i);
    if (!isJsonObject(rule)) {
      report.schemaError(rat, typeMessage('OBJECT'));
      return;
    }
    if (has(rule, 'Next')) {
      const next = get(rule, 'Next');
      if (checkString(report, next, field(rat, 'Next'))) targets.push({ target: next, at: field(rat, 'Next') });
    } else {
      report.schemaError(rat, 'These fields are required: [Next]');
    }
    if (ctx.ql === 'JSONata') checkJsonataRule(report, rule, rat);
    else checkJsonPathRules(report, rule, rat);
  });
  return targets;
}

function checkJsonataRule(report: Report, rule: JsonObject, at: string): void {
  for (const key of Object.keys(rule)) {
    if (JSONATA_RULE_FIELDS.has(key)) continue;
    if (key === 'Variable' || COMBINATORS.includes(key) || operandOf(key)) report.schemaError(at, wrongLanguageMessage(key, 'JSONata'));
    else report.schemaError(at, `Field '${key}' is not supported`);
  }
  if (!requireFields(report, rule, at, ['Condition'])) return;
  const condition = get(rule, 'Condition');
  if (isJsonataText(condition)) checkJsonataExpression(report, condition, field(at, 'Condition'));
  else if (typeof condition !== 'boolean') report.schemaError(field(at, 'Condition'), typeMessage('BOOLEAN'));
  if (has(rule, 'Assign')) checkJsonataValue(report, get(rule, 'Assign'), field(at, 'Assign'));
  if (has(rule, 'Output')) checkJsonataValue(report, get(rule, 'Output'), field(at, 'Output'));
  if (has(rule, 'Comment')) checkString(report, get(rule, 'Comment'), field(at, 'Comment'));
}

function checkJsonPathRules(report: Report, top: JsonObject, topAt: string): void {
  const stack: { rule: Json; at: string; topLevel: boolean }[] = [{ rule: top, at: topAt, topLevel: true }];
  while (stack.length > 0) {
    const { rule, at, topLevel } = stack.pop() as { rule: Json; at: string; topLevel: boolean };
    if (!isJsonObject(rule)) {
      report.schemaError(at, typeMessage('OBJECT'));
      continue;
    }
    let operators = 0;
    let combinators = 0;
    for (const key of Object.keys(rule)) {
      if (key === 'Variable' || key === 'Comment') continue;
      if (TOP_LEVEL_ONLY.has(key)) {
        if (!topLevel) report.schemaError(at, `Field '${key}' is not supported`);
        else if (key === 'Output') report.schemaError(at, wrongLanguageMessage(key, 'JSONPath'));
        continue;
      }
      if (key === 'Condition') {
        report.schemaError(at, wrongLanguageMessage(key, 'JSONPath'));
        continue;
      }
      if (COMBINATORS.includes(key)) {
        combinators++;
        continue;
      }
      const operand = operandOf(key);
      if (!operand) {
        report.schemaError(at, `Field '${key}' is not supported`);
        continue;
      }
      operators++;
      const value = get(rule, key);
      if (operand.kind === 'path') checkReferencePathField(report, value, field(at, key), key);
      else if (!matchesOperand(value, operand.type)) report.schemaError(field(at, key), typeMessage(OPERAND_TYPE[operand.type]));
    }
    if (topLevel && has(rule, 'Assign')) checkPayloadTemplate(report, get(rule, 'Assign'), field(at, 'Assign'));
    if (has(rule, 'Comment')) checkString(report, get(rule, 'Comment'), field(at, 'Comment'));
    if (operators + combinators !== 1) {
      report.schemaError(at, EXACTLY_ONE);
      continue;
    }
    if (operators === 1) {
      if (requireFields(report, rule, at, ['Variable'])) checkReferencePathField(report, get(rule, 'Variable'), field(at, 'Variable'), 'Variable');
      continue;
    }
    if (has(rule, 'Variable')) report.schemaError(at, "Field 'Variable' is not supported");
    if (has(rule, 'Not')) {
      stack.push({ rule: get(rule, 'Not') as Json, at: field(at, 'Not'), topLevel: false });
      continue;
    }
    const name = has(rule, 'And') ? 'And' : 'Or';
    const list = get(rule, name);
    const lat = field(at, name);
    if (!checkArray(report, list, lat)) continue;
    if (list.length === 0) report.schemaError(lat, 'The field must contain at least 1 element');
    for (let i = list.length - 1; i >= 0; i--) stack.push({ rule: list[i], at: index(lat, i), topLevel: false });
  }
}
