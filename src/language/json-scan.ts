/**
 * A single-pass, non-recursive scan of JSON text that finds what `JSON.parse` cannot tell us:
 * where a syntax error is (line and column, in the words of Jackson, the parser AWS's validator
 * uses), keys that appear twice in one object (JSON.parse silently keeps the last), and nesting
 * deeper than Jackson's default limit of 1000.
 */

export type JsonPathSegment = string | number;

export interface JsonSyntaxError {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface DuplicateKey {
  /** Path of the object holding the key twice. */
  readonly path: readonly JsonPathSegment[];
  readonly key: string;
}

export interface JsonScan {
  readonly error?: JsonSyntaxError;
  readonly duplicateKeys: readonly DuplicateKey[];
}

/** Jackson's StreamReadConstraints default: AWS refuses deeper documents. */
export const MAX_JSON_DEPTH = 1000;

type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined } | { kind: 'array'; index: number };

const VALUE_EXPECTED = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

function describeChar(text: string, pos: number): string {
  if (pos >= text.length) return 'end-of-input';
  const code = text.codePointAt(pos) ?? 0;
  if (code < 0x20) return `(CTRL-CHAR, code ${code})`;
  return `'${String.fromCodePoint(code)}' (code ${code})`;
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}

class ScanFailure {
  constructor(
    readonly message: string,
    readonly pos: number,
  ) {}
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function scanJson(text: string): JsonScan {
  const duplicateKeys: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let pos = 0;
  const n = text.length;

  const skipWs = (): void => {
    while (pos < n && isWhitespace(text.charCodeAt(pos))) pos++;
  };

  const unexpected = (expecting: string): ScanFailure => {
    if (pos >= n) {
      const top = stack[stack.length - 1];
      const marker = top === undefined ? '' : top.kind === 'object' ? ': expected close marker for Object' : ': expected close marker for Array';
      return new ScanFailure(`Unexpected end-of-input${marker}`, pos);
    }
    return new ScanFailure(`Unexpected character (${describeChar(text, pos)}): ${expecting}`, pos);
  };

  const readString = (): string => {
    // pos is at the opening quote
    pos++;
    let start = pos;
    let out = '';
    for (;;) {
      if (pos >= n) throw new ScanFailure('Unexpected end-of-input: was expecting closing quote for a string value', pos);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) {
        throw new ScanFailure(
          `Illegal unquoted character (${describeChar(text, pos)}): has to be escaped using backslash to be included in string value`,
          pos,
        );
      }
      if (c === 0x5c) {
        out += text.slice(start, pos);
        pos++;
        if (pos >= n) throw new ScanFailure('Unexpected end-of-input in character escape sequence', pos);
        const e = text[pos];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(pos + 1, pos + 5);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              throw new ScanFailure('Unexpected character in Unicode escape: expected a hex-digit for character escape sequence', pos);
            }
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            throw new ScanFailure(`Unrecognized character escape ${describeChar(text, pos)}`, pos);
        }
        pos++;
        start = pos;
        continue;
      }
      pos++;
    }
  };

  const readNumber = (): void => {
    const start = pos;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    if (pos >= n || !isDigit(text.charCodeAt(pos))) {
      throw new ScanFailure(`Unexpected character (${describeChar(text, pos)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`, pos);
    }
    if (text.charCodeAt(pos) === 0x30 && pos + 1 < n && isDigit(text.charCodeAt(pos + 1))) {
      throw new ScanFailure('Invalid numeric value: Leading zeroes not allowed', start);
    }
    while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    if (pos < n && text.charCodeAt(pos) === 0x2e) {
      pos++;
      if (pos >= n || !isDigit(text.charCodeAt(pos))) {
        throw new ScanFailure(`Unexpected character (${describeChar(text, pos)}) in numeric value: Decimal point not followed by a digit`, pos);
      }
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    }
    const e = text.charCodeAt(pos);
    if (pos < n && (e === 0x65 || e === 0x45)) {
      pos++;
      const s = text.charCodeAt(pos);
      if (s === 0x2b || s === 0x2d) pos++;
      if (pos >= n || !isDigit(text.charCodeAt(pos))) {
        throw new ScanFailure(`Unexpected character (${describeChar(text, pos)}) in numeric value: Exponent indicator not followed by a digit`, pos);
      }
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    }
  };

  const readLiteral = (): void => {
    const start = pos;
    while (pos < n && /[A-Za-z0-9_$]/.test(text[pos])) pos++;
    const word = text.slice(start, pos);
    if (word !== 'true' && word !== 'false' && word !== 'null') {
      if (word === '') {
        pos = start;
        throw unexpected(VALUE_EXPECTED);
      }
      throw new ScanFailure(`Unrecognized token '${word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`, start);
    }
  };

  const pathOf = (): JsonPathSegment[] => {
    const path: JsonPathSegment[] = [];
    for (let i = 0; i < stack.length - 1; i++) {
      const f = stack[i];
      if (f.kind === 'object') path.push(f.key ?? '');
      else path.push(f.index);
    }
    return path;
  };

  /** After a value: advance the parent container past the separator, or close it. */
  const afterValue = (): void => {
    for (;;) {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) return;
      const c = text.charCodeAt(pos);
      if (top.kind === 'object') {
        if (c === 0x2c) {
          pos++;
          readKey(top);
          return;
        }
        if (c === 0x7d) {
          pos++;
          stack.pop();
          continue;
        }
        throw unexpected('was expecting comma to separate Object entries');
      } else {
        if (c === 0x2c) {
          pos++;
          top.index++;
          return;
        }
        if (c === 0x5d) {
          pos++;
          stack.pop();
          continue;
        }
        throw unexpected('was expecting comma to separate Array entries');
      }
    }
  };

  const readKey = (frame: Frame & { kind: 'object' }): void => {
    skipWs();
    if (text.charCodeAt(pos) !== 0x22) throw unexpected('was expecting double-quote to start field name');
    const key = readString();
    if (frame.keys.has(key)) duplicateKeys.push({ path: pathOf(), key });
    frame.keys.add(key);
    frame.key = key;
    skipWs();
    if (text.charCodeAt(pos) !== 0x3a) throw unexpected('was expecting a colon to separate field name and value');
    pos++;
  };

  const push = (frame: Frame): void => {
    stack.push(frame);
    if (stack.length > MAX_JSON_DEPTH) {
      throw new ScanFailure(
        `Document nesting depth (${stack.length}) exceeds the maximum allowed (${MAX_JSON_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
        pos - 1,
      );
    }
  };

  try {
    skipWs();
    if (pos >= n) throw new ScanFailure('No content to map due to end-of-input', pos);
    for (;;) {
      // Read one value at pos.
      skipWs();
      const c = text.charCodeAt(pos);
      if (pos >= n) throw unexpected(VALUE_EXPECTED);
      if (c === 0x7b) {
        pos++;
        const frame: Frame = { kind: 'object', keys: new Set(), key: undefined };
        push(frame);
        skipWs();
        if (text.charCodeAt(pos) === 0x7d) {
          pos++;
          stack.pop();
          afterValue();
        } else {
          readKey(frame);
          continue;
        }
      } else if (c === 0x5b) {
        pos++;
        push({ kind: 'array', index: 0 });
        skipWs();
        if (text.charCodeAt(pos) === 0x5d) {
          pos++;
          stack.pop();
          afterValue();
        } else {
          continue;
        }
      } else if (c === 0x22) {
        readString();
        afterValue();
      } else if (c === 0x2d || isDigit(c)) {
        readNumber();
        afterValue();
      } else {
        readLiteral();
        afterValue();
      }
      if (stack.length === 0) break;
    }
    skipWs();
    if (pos < n) throw new ScanFailure(`Unexpected character (${describeChar(text, pos)}): expected end-of-input after the root value`, pos);
    return { duplicateKeys };
  } catch (e) {
    if (e instanceof ScanFailure) {
      return { error: { message: e.message, ...lineAndColumn(text, e.pos) }, duplicateKeys };
    }
    throw e;
  }
}
