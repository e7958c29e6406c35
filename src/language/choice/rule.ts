import { StatesError, StatesErrors } from '../errors.js';
import { isJsonObject, ownValue, type Json, type JsonObject } from '../json.js';
import { compilePath } from '../jsonpath/index.js';
import type { Scope } from '../scope.js';
import { compareInstants, parsePreciseTimestamp, type PreciseInstant } from '../timestamp.js';
import { compileStringMatches } from './string-matches.js';

export interface CompiledChoiceRule {
  /** Whether the rule matches; throws StatesError (States.Runtime) where AWS fails the state. */
  test(scope: Scope): boolean;
}

type Comparison = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';
type Family = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';

const COMPARISONS: readonly Comparison[] = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];
const TYPE_TESTS = ['IsPresent', 'IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;
type TypeTest = (typeof TYPE_TESTS)[number];

interface ComparisonOperator {
  readonly family: Family;
  readonly comparison: Comparison;
  readonly path: boolean;
}

/** Every comparison operator name (`StringEquals`, `NumericLessThanPath`, …) and what it means. */
const COMPARISON_OPERATORS: ReadonlyMap<string, ComparisonOperator> = (() => {
  const map = new Map<string, ComparisonOperator>();
  for (const family of ['String', 'Numeric', 'Boolean', 'Timestamp'] as const) {
    for (const comparison of COMPARISONS) {
      if (family === 'Boolean' && comparison !== 'Equals') continue;
      map.set(family + comparison, { family, comparison, path: false });
      map.set(family + comparison + 'Path', { family, comparison, path: true });
    }
  }
  return map;
})();

/** The names of all data-test operators a Choice rule may carry (for validators). */
export const CHOICE_OPERATORS: readonly string[] = [...COMPARISON_OPERATORS.keys(), ...TYPE_TESTS, 'StringMatches'];

/**
 * AWS fails the state with States.Runtime when a Variable (or a …Path operand) matches nothing;
 * only IsPresent tests for that. The cause text is AWS's.
 */
function invalidPath(path: string): StatesError {
  return new StatesError(
    StatesErrors.Runtime,
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  );
}

interface Operand {
  readonly text: string;
  read(scope: Scope): Json;
}

function compileOperand(text: Json | undefined, field: string): Operand {
  if (typeof text !== 'string') throw new Error(`Choice rule field '${field}' must be a path string`);
  const path = compilePath(text);
  return {
    text,
    read(scope) {
      const value = path.select(scope);
      if (value === undefined) throw invalidPath(text);
      return value;
    },
  };
}

function holds(order: number, comparison: Comparison): boolean {
  switch (comparison) {
    case 'Equals':
      return order === 0;
    case 'LessThan':
      return order < 0;
    case 'GreaterThan':
      return order > 0;
    case 'LessThanEquals':
      return order <= 0;
    case 'GreaterThanEquals':
      return order >= 0;
  }
}

/** Strings order by UTF-16 code unit, as Java's String.compareTo (and JavaScript's `<`) do. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function asInstant(value: Json): PreciseInstant | undefined {
  return typeof value === 'string' ? parsePreciseTimestamp(value) : undefined;
}

/**
 * Compares two values of one family. A value of another type makes the comparison false, never an
 * error: AWS answers "no match" for StringEquals on a number, NumericEquals on "1", TimestampEquals
 * on a string that is not a timestamp (conformance choice_operators/*).
 */
function compareInFamily(family: Family, comparison: Comparison, left: Json, right: Json): boolean {
  switch (family) {
    case 'String':
      return typeof left === 'string' && typeof right === 'string' && holds(compareStrings(left, right), comparison);
    case 'Numeric':
      // 1 and 1.0 are equal (conformance test_numeric_equals_path: Variable 1, Value 1.0).
      return typeof left === 'number' && typeof right === 'number' && holds(left === right ? 0 : left < right ? -1 : 1, comparison);
    case 'Boolean':
      return typeof left === 'boolean' && typeof right === 'boolean' && left === right;
    case 'Timestamp': {
      const a = asInstant(left);
      const b = asInstant(right);
      return a !== undefined && b !== undefined && holds(compareInstants(a, b), comparison);
    }
  }
}

function typeTest(test: TypeTest, value: Json): boolean {
  switch (test) {
    case 'IsPresent':
      return true;
    case 'IsNull':
      return value === null;
    case 'IsNumeric':
      return typeof value === 'number';
    case 'IsString':
      return typeof value === 'string';
    case 'IsBoolean':
      return typeof value === 'boolean';
    case 'IsTimestamp':
      return asInstant(value) !== undefined;
  }
}

function compileSubRules(value: Json | undefined, field: string): CompiledChoiceRule[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`Choice rule field '${field}' must be a non-empty array of rules`);
  return value.map((r) => {
    if (!isJsonObject(r)) throw new Error(`Choice rule field '${field}' must hold rule objects`);
    return compileChoiceRule(r);
  });
}

function compileDataTest(rule: JsonObject, operator: string): CompiledChoiceRule {
  const variable = compileOperand(ownValue(rule, 'Variable'), 'Variable');
  const operand = ownValue(rule, operator) as Json;

  if ((TYPE_TESTS as readonly string[]).includes(operator)) {
    const test = operator as TypeTest;
    if (typeof operand !== 'boolean') throw new Error(`Choice rule operator '${operator}' takes a boolean`);
    const expected = operand;
    if (test === 'IsPresent') {
      const path = compilePath(variable.text);
      return { test: (scope) => (path.select(scope) !== undefined) === expected };
    }
    return { test: (scope) => typeTest(test, variable.read(scope)) === expected };
  }

  if (operator === 'StringMatches') {
    if (typeof operand !== 'string') throw new Error(`Choice rule operator 'StringMatches' takes a string`);
    const matches = compileStringMatches(operand);
    return {
      test(scope) {
        const value = variable.read(scope);
        return typeof value === 'string' && matches(value);
      },
    };
  }

  const op = COMPARISON_OPERATORS.get(operator);
  if (op === undefined) throw new Error(`Unknown Choice rule operator '${operator}'`);
  const { family, comparison } = op;
  if (op.path) {
    const right = compileOperand(operand, operator);
    return { test: (scope) => compareInFamily(family, comparison, variable.read(scope), right.read(scope)) };
  }
  return { test: (scope) => compareInFamily(family, comparison, variable.read(scope), operand) };
}

/**
 * Compiles one JSONPath-language Choice rule: `Variable` with one data-test operator, or a
 * (nested) `And` / `Or` / `Not`. `Next`, `Comment` and `Assign` are ignored here. A malformed rule
 * throws a plain Error: the definition validator reports those before a rule is ever compiled.
 */
export function compileChoiceRule(rule: JsonObject): CompiledChoiceRule {
  const and = ownValue(rule, 'And');
  if (and !== undefined) {
    const rules = compileSubRules(and, 'And');
    return { test: (scope) => rules.every((r) => r.test(scope)) };
  }
  const or = ownValue(rule, 'Or');
  if (or !== undefined) {
    const rules = compileSubRules(or, 'Or');
    return { test: (scope) => rules.some((r) => r.test(scope)) };
  }
  const not = ownValue(rule, 'Not');
  if (not !== undefined) {
    if (!isJsonObject(not)) throw new Error(`Choice rule field 'Not' must hold a rule object`);
    const inner = compileChoiceRule(not);
    return { test: (scope) => !inner.test(scope) };
  }
  const operators = Object.keys(rule).filter((key) => CHOICE_OPERATORS.includes(key));
  if (operators.length !== 1) {
    throw new Error(`A Choice rule needs exactly one comparison operator, found ${operators.length === 0 ? 'none' : operators.join(', ')}`);
  }
  return compileDataTest(rule, operators[0]);
}
