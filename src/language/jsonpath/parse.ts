import type { Json } from '../json.js';
import type { FilterExpression, FilterOperand, ParsedPath, PathToken, RelationalOperator } from './ast.js';
import { isDefiniteTokens } from './definite.js';
import { PathSyntaxError } from './path-syntax-error.js';
import { backtrackingOnlyFeature, enableLinearRegexFallback } from '../linear-regex.js';

/** Variable names as AWS accepts them after `$` (letters, digits, underscore; not starting with a digit). */
const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*/u;

/** Characters that end a dot-notation name inside a filter, where operators follow paths. */
const FILTER_NAME_STOP = new Set([' ', '\t', '\n', '\r', ')', '=', '<', '>', '!', '&', '|', ',', ']', '~', '.', '[']);

const WORD_OPERATORS: readonly RelationalOperator[] = [
  'subsetof',
  'contains',
  'noneof',
  'anyof',
  'empty',
  'size',
  'nin',
  'in',
];
const SYMBOL_OPERATORS: readonly RelationalOperator[] = ['===', '!==', '==', '!=', '<=', '>=', '=~', '<', '>'];

/** Parses a JSONPath as AWS accepts it: `$...` (input), `$$...` (context object) or `$name...` (variable). */
export function parsePath(text: string): ParsedPath {
  if (typeof text !== 'string' || !text.startsWith('$')) {
    throw new PathSyntaxError(`Invalid path '${String(text)}': a path must start with '$'`);
  }
  const reader = new Reader(text);
  reader.pos = 1;
  if (text.charCodeAt(1) === 36 /* $ */) {
    reader.pos = 2;
    return { root: '$$', tokens: readTokens(reader, false) };
  }
  const variable = VARIABLE_NAME.exec(text.slice(1));
  if (variable) {
    reader.pos = 1 + variable[0].length;
    return { root: 'variable', variableName: variable[0], tokens: readTokens(reader, false) };
  }
  return { root: '$', tokens: readTokens(reader, false) };
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }
  skipSpaces(): void {
    while (!this.done && /\s/.test(this.peek())) this.pos++;
  }
  fail(what: string): never {
    throw new PathSyntaxError(`Invalid path '${this.text}': ${what} at position ${this.pos}`);
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
}

/** Reads path tokens until the end of the text, or (inside a filter) until a character that ends a path operand. */
function readTokens(reader: Reader, inFilter: boolean): PathToken[] {
  const tokens: PathToken[] = [];
  while (!reader.done) {
    const c = reader.peek();
    if (c === '.') {
      if (reader.peek(1) === '.') {
        reader.pos += 2;
        tokens.push({ kind: 'scan' });
        const next = reader.peek();
        if (next === '[') tokens.push(readBracket(reader));
        else if (next === '*') {
          reader.pos++;
          tokens.push({ kind: 'wildcard' });
        } else tokens.push(readDotName(reader, inFilter));
        continue;
      }
      reader.pos++;
      const next = reader.peek();
      if (next === '*') {
        reader.pos++;
        tokens.push({ kind: 'wildcard' });
      } else if (next === '[') {
        tokens.push(readBracket(reader));
      } else {
        tokens.push(readDotName(reader, inFilter));
      }
    } else if (c === '[') {
      tokens.push(readBracket(reader));
    } else if (inFilter) {
      break;
    } else {
      reader.fail(`unexpected character '${c}'`);
    }
  }
  return tokens;
}

function readDotName(reader: Reader, inFilter: boolean): PathToken {
  const start = reader.pos;
  while (!reader.done) {
    const c = reader.peek();
    if (c === '.' || c === '[') break;
    if (inFilter && FILTER_NAME_STOP.has(c)) break;
    if (!inFilter && (c === ' ' || c === '\t' || c === '\n' || c === '\r')) {
      reader.fail("use bracket notation ['my prop'] for names with blank characters");
    }
    reader.pos++;
  }
  if (reader.pos === start) reader.fail(reader.done ? "a path must not end with '.'" : 'expected a property name');
  return { kind: 'property', names: [reader.text.slice(start, reader.pos)] };
}

function readBracket(reader: Reader): PathToken {
  reader.pos++; // [
  reader.skipSpaces();
  const c = reader.peek();
  let token: PathToken;
  if (c === '*') {
    reader.pos++;
    token = { kind: 'wildcard' };
  } else if (c === '?') {
    reader.pos++;
    reader.skipSpaces();
    if (reader.peek() !== '(') reader.fail("expected '(' after '?' in a filter");
    reader.pos++;
    const filter = readOr(reader);
    reader.skipSpaces();
    if (reader.peek() !== ')') reader.fail("expected ')' to close the filter");
    reader.pos++;
    token = { kind: 'filter', filter };
  } else if (c === "'" || c === '"') {
    token = { kind: 'property', names: readQuotedNames(reader) };
  } else if (c === '-' || c === ':' || (c >= '0' && c <= '9')) {
    token = readIndexes(reader);
  } else {
    reader.fail('could not parse the bracket expression');
  }
  reader.skipSpaces();
  if (reader.peek() !== ']') reader.fail("expected ']'");
  reader.pos++;
  return token;
}

/**
 * Quoted names `['a']`, `["a"]`, `['a','b']`. A backslash keeps the next character from closing the
 * name, and is itself kept: AWS reads `$['Test\""Name"']` as the key `Test\""Name"` (conformance case
 * scenarios/test_escape_sequence_parsing_ESCAPE_SEQUENCES_JSONPATH).
 */
function readQuotedNames(reader: Reader): string[] {
  const names: string[] = [];
  for (;;) {
    reader.skipSpaces();
    const quote = reader.peek();
    if (quote !== "'" && quote !== '"') reader.fail('expected a quoted property name');
    const start = ++reader.pos;
    let escaped = false;
    for (;;) {
      if (reader.done) reader.fail('unterminated quoted property name');
      const ch = reader.peek();
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === quote) break;
      reader.pos++;
    }
    names.push(reader.text.slice(start, reader.pos));
    reader.pos++;
    reader.skipSpaces();
    if (reader.peek() === ',') {
      reader.pos++;
      continue;
    }
    return names;
  }
}

function readIndexes(reader: Reader): PathToken {
  const start = reader.pos;
  while (!reader.done && reader.peek() !== ']') reader.pos++;
  const body = reader.text.slice(start, reader.pos).replace(/\s+/g, '');
  const integer = (s: string): number => {
    if (!/^-?\d+$/.test(s)) reader.fail(`invalid array index '${s}'`);
    return Number(s);
  };
  if (body.includes(':')) {
    const parts = body.split(':');
    if (parts.length > 3) reader.fail('invalid array slice');
    const [from, to, step] = parts;
    const slice: { kind: 'slice'; from?: number; to?: number; step?: number } = { kind: 'slice' };
    if (from !== '') slice.from = integer(from);
    if (to !== undefined && to !== '') slice.to = integer(to);
    if (step !== undefined && step !== '') {
      slice.step = integer(step);
      if (slice.step === 0) reader.fail('array slice step must not be 0');
    }
    return slice;
  }
  return { kind: 'index', indexes: body.split(',').map(integer) };
}

// ---- filters -------------------------------------------------------------------------------

function readOr(reader: Reader): FilterExpression {
  let left = readAnd(reader);
  for (;;) {
    reader.skipSpaces();
    if (!reader.startsWith('||')) return left;
    reader.pos += 2;
    left = { kind: 'or', left, right: readAnd(reader) };
  }
}

function readAnd(reader: Reader): FilterExpression {
  let left = readUnary(reader);
  for (;;) {
    reader.skipSpaces();
    if (!reader.startsWith('&&')) return left;
    reader.pos += 2;
    left = { kind: 'and', left, right: readUnary(reader) };
  }
}

function readUnary(reader: Reader): FilterExpression {
  reader.skipSpaces();
  if (reader.peek() === '!' && reader.peek(1) !== '=') {
    reader.pos++;
    return { kind: 'not', operand: readUnary(reader) };
  }
  if (reader.peek() === '(') {
    reader.pos++;
    const inner = readOr(reader);
    reader.skipSpaces();
    if (reader.peek() !== ')') reader.fail("expected ')' in the filter");
    reader.pos++;
    return inner;
  }
  const left = readOperand(reader);
  reader.skipSpaces();
  const operator = readOperator(reader);
  if (operator === undefined) {
    if (left.kind !== 'path') reader.fail('a filter needs a path or a comparison');
    return { kind: 'exists', operand: left };
  }
  reader.skipSpaces();
  return { kind: 'compare', operator, left, right: readOperand(reader) };
}

function readOperator(reader: Reader): RelationalOperator | undefined {
  for (const op of SYMBOL_OPERATORS) {
    if (reader.startsWith(op)) {
      reader.pos += op.length;
      return op;
    }
  }
  for (const op of WORD_OPERATORS) {
    if (reader.startsWith(op) && !/[\p{L}\p{N}_]/u.test(reader.peek(op.length))) {
      reader.pos += op.length;
      return op;
    }
  }
  return undefined;
}

function readOperand(reader: Reader): FilterOperand {
  reader.skipSpaces();
  const c = reader.peek();
  if (c === '@' || c === '$') {
    reader.pos++;
    const tokens = readTokens(reader, true);
    return { kind: 'path', relative: c === '@', tokens, definite: isDefiniteTokens(tokens) };
  }
  if (c === "'" || c === '"') return { kind: 'literal', value: readStringLiteral(reader, c) };
  if (c === '-' || (c >= '0' && c <= '9')) {
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(reader.text.slice(reader.pos));
    if (!m) reader.fail('invalid number in filter');
    reader.pos += m[0].length;
    return { kind: 'literal', value: Number(m[0]) };
  }
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const) {
    if (reader.startsWith(word)) {
      reader.pos += word.length;
      return { kind: 'literal', value };
    }
  }
  if (c === '[' || c === '{') return { kind: 'literal', value: readJsonLiteral(reader) };
  if (c === '/') return { kind: 'regex', pattern: readRegex(reader) };
  reader.fail('could not parse the filter operand');
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readStringLiteral(reader: Reader, quote: string): string {
  reader.pos++;
  let out = '';
  for (;;) {
    if (reader.done) reader.fail('unterminated string in filter');
    const ch = reader.peek();
    reader.pos++;
    if (ch === quote) return out;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = reader.peek();
    reader.pos++;
    if (e === 'u') {
      const hex = reader.text.slice(reader.pos, reader.pos + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) reader.fail('invalid unicode escape in filter string');
      out += String.fromCharCode(parseInt(hex, 16));
      reader.pos += 4;
    } else {
      out += ESCAPES[e] ?? e;
    }
  }
}

/** A JSON array or object literal (`in [1, 2]`); single-quoted strings are accepted as Jayway does. */
function readJsonLiteral(reader: Reader): Json {
  const start = reader.pos;
  let depth = 0;
  let quote = '';
  for (; !reader.done; reader.pos++) {
    const ch = reader.peek();
    if (quote) {
      if (ch === '\\') reader.pos++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        reader.pos++;
        break;
      }
    }
  }
  const raw = reader.text.slice(start, reader.pos);
  const normalised = raw.replace(/'((?:[^'\\]|\\.)*)'/g, (_m, body: string) =>
    JSON.stringify(body.replace(/\\'/g, "'")),
  );
  try {
    return JSON.parse(normalised) as Json;
  } catch {
    reader.fail(`invalid JSON literal '${raw}' in filter`);
  }
}

function readRegex(reader: Reader): RegExp {
  const start = ++reader.pos;
  while (!reader.done && reader.peek() !== '/') {
    if (reader.peek() === '\\') reader.pos++;
    reader.pos++;
  }
  if (reader.done) reader.fail('unterminated regular expression in filter');
  const body = reader.text.slice(start, reader.pos);
  reader.pos++;
  const flagStart = reader.pos;
  while (/[a-z]/.test(reader.peek())) reader.pos++;
  const flags = reader.text.slice(flagStart, reader.pos).replace(/[^imsu]/g, '');
  // Filters run on the event loop: only patterns the linear engine can take over are accepted.
  const unsafe = backtrackingOnlyFeature(body);
  if (unsafe !== undefined) {
    reader.fail(`the regular expression /${body}/ uses a ${unsafe}, which can take exponential time; Stepwright does not run it`);
  }
  enableLinearRegexFallback();
  try {
    // Jayway uses Matcher.matches(): the whole string must match.
    return new RegExp(`^(?:${body})$`, flags);
  } catch {
    reader.fail(`invalid regular expression /${body}/`);
  }
}
