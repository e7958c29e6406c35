/**
 * Every operation of the Lambda API model (botocore's service-2.json, kept in model.json) as the
 * HTTP method and URI template restJson1 clients send it with, so that a request can be named by
 * the operation it is, whether Stepwright implements it or not.
 */
import model from './model.json' with { type: 'json' };

export type LambdaOperationName = keyof typeof model.operations;

export const LAMBDA_OPERATION_NAMES = Object.keys(model.operations).sort() as readonly LambdaOperationName[];

/** Lambda's paths all start with an API version (`/2015-03-31/…`); others belong to the rest of the server. */
export const LAMBDA_API_PATH = /^\/\d{4}-\d{2}-\d{2}(?:\/|$)/;

export interface MatchedOperation {
  readonly name: LambdaOperationName;
  /** The URI labels (`{FunctionName}` …) as sent, still percent-encoded. */
  readonly labels: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly name: LambdaOperationName;
  readonly method: string;
  readonly path: RegExp;
  readonly labelNames: readonly string[];
  /** Query parameters the template fixes (`?find=LayerVersion`): they tell apart operations sharing a path. */
  readonly query: readonly (readonly [string, string])[];
}

function compile(name: LambdaOperationName, method: string, requestUri: string): CompiledRoute {
  const [pathTemplate, queryTemplate = ''] = requestUri.split('?');
  const labelNames: string[] = [];
  const source = pathTemplate
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const label = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (label === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labelNames.push(label[1]);
      // A greedy label (`{Key+}`) may hold slashes; an ordinary one is one non-empty segment.
      return label[2] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('');
  const query = [...new URLSearchParams(queryTemplate)].map(([k, v]) => [k, v] as const);
  return { name, method, path: new RegExp(`^${source}/?$`), labelNames, query };
}

// Templates that fix query parameters are tried first: they are the more specific of a shared path.
const ROUTES: readonly CompiledRoute[] = LAMBDA_OPERATION_NAMES.map((name) => {
  const { method, requestUri } = model.operations[name];
  return compile(name, method, requestUri);
}).sort((a, b) => b.query.length - a.query.length);

/** The model operation a request is, by method, path and the query parameters its template fixes. */
export function matchOperation(method: string, path: string, query: URLSearchParams): MatchedOperation | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.path.exec(path);
    if (m === null || !route.query.every(([k, v]) => query.get(k) === v)) continue;
    return { name: route.name, labels: Object.fromEntries(route.labelNames.map((label, i) => [label, m[i + 1]])) };
  }
  return undefined;
}
