/**
 * The one place the validator asks the expression parsers whether a text parses. These are the
 * parsers the engine runs, so what validates here also compiles there.
 */
import { isIntrinsicCall, parseIntrinsic } from '../intrinsics/index.js';
import jsonata from 'jsonata';
import { compileJsonata, jsonataExpressionText } from '../jsonata/index.js';
import { compilePath, compileReferencePath } from '../jsonpath/index.js';

export interface JsonataProblem {
  readonly code: 'invalid' | 'unsupported';
  readonly message: string;
}

export interface Syntax {
  isPath(text: string): boolean;
  isReferencePath(text: string): boolean;
  /** ResultPath is stricter: `$` only, no `$$` or variables, definite steps. */
  isResultPath(text: string): boolean;
  isIntrinsic(text: string): boolean;
  /** undefined when the intrinsic call parses. */
  intrinsicError(text: string): string | undefined;
  /** `text` is the whole `{% … %}` string. undefined when it parses and AWS supports it. */
  jsonataError(text: string): JsonataProblem | undefined;
}

function parses(compile: () => unknown): boolean {
  try {
    compile();
    return true;
  } catch {
    // Any failure (a syntax error, or a parser's own limit on absurd input) means "not valid".
    return false;
  }
}

interface AstNode {
  type?: unknown;
  value?: unknown;
  [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null;
}

/**
 * What AWS refuses in an expression that parses (UNSUPPORTED_JSONATA_EXPRESSION): `$$` anywhere,
 * and a bare field name at the top level (there is no context item; data comes from `$states` or
 * variables): "Reference to 'phone' at the top level is not supported."
 */
function unsupported(ast: unknown): string | undefined {
  if (isNode(ast)) {
    const first = ast.type === 'path' && Array.isArray(ast.steps) ? (ast.steps[0] as unknown) : ast;
    if (isNode(first) && first.type === 'name' && typeof first.value === 'string') {
      return `Reference to '${first.value}' at the top level is not supported.`;
    }
  }
  const stack: unknown[] = [ast];
  let visited = 0;
  while (stack.length > 0 && visited++ < 100_000) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
    } else if (isNode(node)) {
      if (node.type === 'variable' && node.value === '$') return "Reference to '$$' is not supported.";
      for (const key of Object.keys(node)) if (key !== 'value' || isNode(node.value)) stack.push(node[key]);
    }
  }
  return undefined;
}

export const syntax: Syntax = {
  isPath: (text) => parses(() => compilePath(text)),
  isReferencePath: (text) => parses(() => compilePath(text)),
  isResultPath: (text) => parses(() => compileReferencePath(text)),
  isIntrinsic: (text) => isIntrinsicCall(text),
  intrinsicError(text) {
    try {
      parseIntrinsic(text);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  },
  jsonataError(text) {
    let ast: unknown;
    try {
      const body = jsonataExpressionText(text);
      compileJsonata(body);
      ast = jsonata(body).ast();
    } catch (e) {
      return { code: 'invalid', message: e instanceof Error ? e.message : String(e) };
    }
    const problem = unsupported(ast);
    return problem === undefined ? undefined : { code: 'unsupported', message: problem };
  },
};

