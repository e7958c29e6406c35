import { isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

/**
 * Where a diagnostic's JSON pointer (`/States/A/Choices[0]/Next`, AWS's form, or RFC 6901's
 * `/States/A/Choices/0/Next`) points in the editor's text, for JSON and YAML sources.
 */

export interface SourceRange {
  readonly from: number;
  readonly to: number;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .flatMap((seg) => {
      // AWS writes array indexes as `Choices[0]`.
      const parts: string[] = [];
      const m = /^(.*?)((?:\[\d+\])+)$/.exec(seg);
      if (m !== null && m[1] !== '') {
        parts.push(m[1]);
        for (const idx of m[2].matchAll(/\[(\d+)\]/g)) parts.push(idx[1]);
      } else parts.push(seg);
      return parts.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    });
}

interface JsonNode {
  readonly from: number;
  readonly to: number;
  /** Range of the member's key, for object members. */
  keyFrom?: number;
  keyTo?: number;
  readonly children?: Map<string, JsonNode>;
}

/** A tolerant JSON scanner recording each value's range; stops quietly at a syntax error. */
function scanJson(text: string): JsonNode | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw new Error('syntax');
  };
  const str = (): string => {
    const start = i;
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const value = (): JsonNode => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const children = new Map<string, JsonNode>();
      ws();
      if (text[i] === '}') return (i++, { from, to: i, children });
      for (;;) {
        ws();
        const keyFrom = i;
        const key = str();
        const keyTo = i;
        ws();
        if (text[i] !== ':') fail();
        i++;
        const v = value();
        v.keyFrom = keyFrom;
        v.keyTo = keyTo;
        children.set(key, v);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return (i++, { from, to: i, children });
        else fail();
      }
    }
    if (c === '[') {
      i++;
      const children = new Map<string, JsonNode>();
      ws();
      if (text[i] === ']') return (i++, { from, to: i, children });
      for (let n = 0; ; n++) {
        children.set(String(n), value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, { from, to: i, children });
        else fail();
      }
    }
    if (c === '"') {
      str();
      return { from, to: i };
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m === null) fail();
    i += m![0].length;
    return { from, to: i };
  };
  try {
    return value();
  } catch {
    return undefined;
  }
}

function yamlRange(doc: ReturnType<typeof parseDocument>, segments: readonly string[]): SourceRange | undefined {
  let node: unknown = doc.contents;
  let range: SourceRange | undefined = rangeOf(node);
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === seg);
      if (pair === undefined) break;
      node = pair.value;
      const k = rangeOf(pair.key);
      const v = rangeOf(pair.value);
      range = k !== undefined ? { from: k.from, to: v?.to ?? k.to } : v;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      range = rangeOf(item) ?? range;
    } else break;
  }
  return range;
}

function rangeOf(n: unknown): SourceRange | undefined {
  const r = (n as YamlNode | null)?.range;
  return r === undefined || r === null ? undefined : { from: r[0], to: r[1] };
}

/**
 * Places many diagnostics in one text: the text is scanned (or the YAML parsed) once, on first use.
 * A 10,000-state definition draws 100 diagnostics (AWS's page); scanning it per diagnostic held the
 * page for seconds.
 */
export function pointerLocator(text: string, format: 'json' | 'yaml'): (pointer: string, message?: string) => SourceRange {
  const whole: SourceRange = { from: 0, to: Math.min(text.length, 1) };
  let json: JsonNode | undefined | null = null;
  let yaml: ReturnType<typeof parseDocument> | undefined;
  return (pointer, message = '') => {
    const segments = pointerSegments(pointer);
    const field = /Field '([^']+)' is not supported/.exec(message)?.[1];
    if (field !== undefined) segments.push(field);
    if (format === 'yaml') return yamlRange((yaml ??= parseDocument(text)), segments) ?? whole;
    if (json === null) json = scanJson(text);
    let node: JsonNode | undefined = json;
    if (node === undefined) return whole;
    let range: SourceRange = { from: node.from, to: Math.min(node.to, node.from + 1) };
    for (const seg of segments) {
      const child: JsonNode | undefined = node.children?.get(seg);
      if (child === undefined) break;
      node = child;
      // A member whose value is an object or array: mark its key (the value can span the page).
      if (child.keyFrom !== undefined) range = { from: child.keyFrom, to: child.children !== undefined ? (child.keyTo ?? child.to) : child.to };
      else range = child.children !== undefined ? { from: child.from, to: child.from + 1 } : { from: child.from, to: child.to };
    }
    return range;
  };
}

/**
 * The range to mark for a pointer: the deepest member found (its key and value), narrowed to a
 * named field when the message names one ("Field 'Nxt' is not supported").
 */
export function locatePointer(text: string, format: 'json' | 'yaml', pointer: string, message = ''): SourceRange {
  return pointerLocator(text, format)(pointer, message);
}

/** Offset of `[line: L, column: C]` (the parser's message for malformed JSON). */
export function locateLineColumn(text: string, message: string): SourceRange | undefined {
  const m = /line: (\d+), column: (\d+)/.exec(message);
  if (m === null) return undefined;
  const lines = text.split('\n');
  const line = Math.min(Number(m[1]), lines.length) - 1;
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i].length + 1;
  const from = Math.min(text.length, offset + Math.max(0, Number(m[2]) - 1));
  return { from: Math.max(0, Math.min(from, text.length - 1)), to: Math.min(text.length, from + 1) };
}
