import { INTRINSIC_ARITY, isIntrinsicName } from './catalog.js';

/** A definition-time problem with an intrinsic call: AWS refuses such a definition. */
export class IntrinsicSyntaxError extends Error {
  constructor(
    message: string,
    readonly text: string,
    readonly position: number,
  ) {
    super(`Invalid intrinsic function call ${JSON.stringify(text)}: ${message} at position ${position}`);
    this.name = 'IntrinsicSyntaxError';
  }
}

/** One argument of an intrinsic call, as written in the definition. */
export type IntrinsicArgument =
  /** `raw` is the text between the quotes before escapes are applied: States.Format needs it to tell `\{}` from `{}`. */
  | { readonly kind: 'string'; readonly value: string; readonly raw: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** `$...` (input), `$$...` (context object) or `$name...` (a variable), kept as written. */
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly call: IntrinsicCall };

export interface IntrinsicCall {
  /** Full name, e.g. `States.Format`. */
  readonly name: string;
  readonly args: readonly IntrinsicArgument[];
  /** Offset of the name in the original text (for messages). */
  readonly position: number;
}

/**
 * True when a `.$` value is meant as an intrinsic call rather than a path. AWS decides by the
 * `States.` prefix; leading whitespace is tolerated.
 */
export function isIntrinsicCall(text: string): boolean {
  return /^\s*States\./.test(text);
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;

/** The escapes AWS allows inside a single-quoted intrinsic string; any other backslash is an error. */
const STRING_ESCAPES: Readonly<Record<string, string>> = { "'": "'", '{': '{', '}': '}', '\\': '\\' };

/** Parses one intrinsic call (the whole text must be that call, with optional surrounding whitespace). */
export function parseIntrinsic(text: string): IntrinsicCall {
  return new Parser(text).parseTop();
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseTop(): IntrinsicCall {
    this.skipSpace();
    const start = this.pos;
    const name = this.readIdentifier();
    if (name === undefined) throw this.fail('expected an intrinsic function name');
    const call = this.parseCallAfterName(name, start);
    this.skipSpace();
    if (this.pos < this.text.length)
      throw this.fail(`unexpected ${JSON.stringify(this.text[this.pos])} after the call`);
    return call;
  }

  private parseCallAfterName(name: string, start: number): IntrinsicCall {
    if (!isIntrinsicName(name)) throw this.fail(`unknown intrinsic function '${name}'`, start);
    this.skipSpace();
    this.expect('(');
    const args: IntrinsicArgument[] = [];
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
    } else {
      for (;;) {
        args.push(this.parseArgument());
        this.skipSpace();
        const c = this.peek();
        if (c === ',') {
          this.pos++;
          continue;
        }
        if (c === ')') {
          this.pos++;
          break;
        }
        throw this.fail(c === undefined ? "expected ')' before the end" : "expected ',' or ')'");
      }
    }
    const call: IntrinsicCall = { name, args, position: start };
    checkStatically(call, (message) => this.fail(message, start));
    return call;
  }

  private parseArgument(): IntrinsicArgument {
    this.skipSpace();
    const c = this.peek();
    if (c === undefined) throw this.fail('expected an argument');
    if (c === "'") return this.parseString();
    if (c === '$') return { kind: 'path', path: this.readPath() };
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = this.pos;
      const m = NUMBER.exec(this.text);
      if (!m) throw this.fail('malformed number');
      this.pos += m[0].length;
      this.ensureArgumentEnds('number');
      return { kind: 'number', value: Number(m[0]), text: m[0] };
    }
    const start = this.pos;
    const word = this.readIdentifier();
    if (word === undefined) throw this.fail(`unexpected ${JSON.stringify(c)}`);
    if (word === 'true' || word === 'false' || word === 'null') {
      this.ensureArgumentEnds(word);
      return word === 'null' ? { kind: 'null' } : { kind: 'boolean', value: word === 'true' };
    }
    return { kind: 'call', call: this.parseCallAfterName(word, start) };
  }

  /** A literal must be followed by `,` or `)` (whitespace aside): `12abc` or `truex` are errors. */
  private ensureArgumentEnds(what: string): void {
    const save = this.pos;
    this.skipSpace();
    const c = this.peek();
    if (c !== ',' && c !== ')' && c !== undefined) throw this.fail(`unexpected text after ${what}`);
    this.pos = save;
  }

  private parseString(): IntrinsicArgument {
    const open = this.pos;
    this.pos++;
    let value = '';
    const rawStart = this.pos;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw this.fail('unterminated string', open);
      if (c === "'") break;
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        const escaped = next === undefined ? undefined : STRING_ESCAPES[next];
        if (escaped === undefined) {
          throw this.fail(`invalid escape '\\${next ?? ''}' (only \\' \\{ \\} \\\\ are allowed)`);
        }
        value += escaped;
        this.pos += 2;
        continue;
      }
      value += c;
      this.pos++;
    }
    const raw = this.text.slice(rawStart, this.pos);
    this.pos++;
    return { kind: 'string', value, raw };
  }

  /**
   * A path runs to the next `,` or `)` that is not inside brackets, parentheses or quotes, so
   * `$.a[0,1]` and `$.a[?(@.b == 'x,y')]` stay whole. Whitespace around it is not part of it.
   */
  private readPath(): string {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (quote !== undefined) {
        if (c === '\\') this.pos++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (depth > 0 && (c === "'" || c === '"')) quote = c;
      else if (c === '[' || c === '(') depth++;
      else if ((c === ']' || c === ')') && depth > 0) depth--;
      else if ((c === ',' || c === ')') && depth === 0) break;
    }
    if (quote !== undefined || depth > 0) throw this.fail('unterminated path', start);
    return this.text.slice(start, this.pos).trimEnd();
  }

  private readIdentifier(): string | undefined {
    IDENTIFIER.lastIndex = this.pos;
    const m = IDENTIFIER.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw this.fail(`expected '${c}'`);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(message: string, at = this.pos): IntrinsicSyntaxError {
    return new IntrinsicSyntaxError(message, this.text, at);
  }
}

/**
 * Checks made when the definition is loaded: argument count, and that a literal States.Format
 * template is a string. The number of `{}` is checked when the call runs, not here: the AWS guide's
 * own nine-call example has three `{}` and two values, so we do not refuse such a definition.
 */
function checkStatically(call: IntrinsicCall, fail: (message: string) => IntrinsicSyntaxError): void {
  const arity = INTRINSIC_ARITY[call.name];
  const n = call.args.length;
  if (n < arity.min || n > arity.max) {
    const expected =
      arity.max === Infinity
        ? `at least ${arity.min}`
        : arity.min === arity.max
          ? `${arity.min}`
          : `${arity.min} to ${arity.max}`;
    throw fail(`${call.name} takes ${expected} argument${arity.max === 1 ? '' : 's'}, got ${n}`);
  }
  if (call.name === 'States.Format') {
    const template = call.args[0];
    if (template.kind === 'number' || template.kind === 'boolean' || template.kind === 'null') {
      throw fail('the first argument of States.Format must be a string');
    }
  }
}
