/**
 * HTTP Tasks (`arn:aws:states:::http:invoke`, request-response only, as on AWS): the effective
 * parameters `ApiEndpoint`, `Method`, `Authentication.ConnectionArn`, `Headers`, `QueryParameters`,
 * `RequestBody` and `Transform` become one request; the connection's credentials and invocation
 * parameters come from the locally configured connections (http-connections.ts). The result is
 * `{ Headers, ResponseBody, StatusCode, StatusText }`; a status outside 2xx fails the task with
 * `States.Http.StatusCode.<code>`, a socket failure or the 60-second limit with `States.Http.Socket`.
 * docs/integrations.md says which parts follow AWS's guide and which are our guesses.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { scanJson } from '../language/json-scan.js';
import { isJsonObject, type Json, type JsonObject } from '../language/json.js';
import { isAwsPartition, type ResourceArn } from '../language/resource-arn.js';
import type { Integration, TaskInvocation, TaskResult } from './contract.js';
import { HttpConnections, type HttpConnection, type HttpParameterSet } from './http-connections.js';
import { sendHttpRequest, type HttpOutcome } from './http-send.js';
import { ARRAY_FORMATS, encodeUrlEncodedBody, type ArrayFormat } from './http-url-encoding.js';

export interface HttpIntegrationOptions {
  readonly connections?: HttpConnections;
  /** Named in the User-Agent AWS sends (`Amazon|StepFunctions|HttpInvoke|REGION`). */
  readonly region?: string;
  /** The whole exchange's deadline (AWS: 60 seconds, not configurable there). */
  readonly timeoutMs?: number;
  /** The response body's ceiling (AWS: the 256 KiB payload limit). */
  readonly maxResponseBytes?: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
const HTTP_TIMEOUT_MS = 60_000;
const MAX_RESPONSE_BYTES = 262_144;

/**
 * Headers AWS's guide says an HTTP Task cannot set ("the HTTP Task fails with the States.Runtime
 * error"), plus `authorization`, which AWS refuses too (it belongs to the connection).
 */
const FORBIDDEN_HEADERS = new Set([
  'a-im', 'accept-charset', 'accept-datetime', 'accept-encoding', 'authorization', 'cache-control', 'connection',
  'content-encoding', 'content-md5', 'date', 'expect', 'forwarded', 'from', 'host', 'http2-settings', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'max-forwards', 'origin', 'pragma',
  'proxy-authorization', 'referer', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via', 'warning',
]);
const FORBIDDEN_PREFIXES = ['x-forwarded-', 'x-amz-', 'x-amzn-'];
const isForbiddenHeader = (lower: string): boolean => FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_PREFIXES.some((p) => lower.startsWith(p));

/** `arn:aws:states:::http:invoke` and nothing else (AWS has no `.sync` or `.waitForTaskToken` for it). */
export const isHttpInvoke = (arn: ResourceArn): boolean =>
  arn.kind === 'service' && arn.service === 'http' && arn.action === 'invoke' && arn.pattern === 'requestResponse' && isAwsPartition(arn.partition) && arn.region === '' && arn.accountId === '';

/** What an HTTP Task's parameters ask for, checked. */
interface HttpTaskRequest {
  readonly url: URL;
  readonly method: string;
  readonly connectionArn: string;
  readonly headers: Map<string, string>;
  readonly body: Json | undefined;
  readonly urlEncoded: boolean;
  readonly arrayFormat: ArrayFormat;
}

class HttpParameterError extends Error {}

const runtimeFailure = (cause: string): TaskResult => ({ ok: false, error: 'States.Runtime', cause });

export function createHttpIntegration(options: HttpIntegrationOptions = {}): Integration {
  const connections = options.connections ?? HttpConnections.none;
  const userAgent = `Amazon|StepFunctions|HttpInvoke|${options.region ?? 'us-east-1'}`;
  const timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const tokens = new OAuthTokens(timeoutMs);

  async function invoke(invocation: TaskInvocation): Promise<TaskResult> {
    let task: HttpTaskRequest;
    try {
      task = parseHttpParameters(invocation.parameters);
    } catch (e) {
      if (e instanceof HttpParameterError) return runtimeFailure(e.message);
      throw e;
    }
    const connection = connections.find(task.connectionArn);
    if (connection === undefined) {
      return runtimeFailure(
        `No HTTP connection is configured for '${task.connectionArn}'. Stepwright reads connections from the file given with --http-connections (or STEPWRIGHT_HTTP_CONNECTIONS), keyed by connection ARN or name; see docs/integrations.md.`,
      );
    }
    const headers = new Map(task.headers);
    const url = new URL(task.url);
    const body = mergeBody(task.body, connection.invocation);
    applyParameters(headers, url, connection.invocation);
    const auth = await tokens.authorize(connection, userAgent);
    if (!auth.ok) return auth.failure;
    for (const [name, value] of auth.headers) headers.set(name, value);

    let payload: Buffer | undefined;
    if (body !== undefined) {
      const urlEncoded = task.urlEncoded && isJsonObject(body);
      payload = Buffer.from(typeof body === 'string' ? body : urlEncoded ? encodeUrlEncodedBody(body, task.arrayFormat) : JSON.stringify(body), 'utf8');
      if (!headers.has('content-type')) headers.set('content-type', urlEncoded ? 'application/x-www-form-urlencoded' : 'application/json; charset=UTF-8');
    }
    // Set by AWS on every request, whatever the definition says (Host comes from the URL).
    headers.set('user-agent', userAgent);
    headers.set('range', `bytes=0-${MAX_RESPONSE_BYTES}`);

    const outcome = await sendHttpRequest({ url, method: task.method, headers, body: payload, timeoutMs, maxResponseBytes });
    if (outcome.kind === 'response' && (outcome.statusCode === 401 || outcome.statusCode === 407)) tokens.forget(connection); // EventBridge refreshes OAuth tokens on these
    return resultOf(outcome, timeoutMs);
  }

  return { serves: isHttpInvoke, invoke };
}

function parseHttpParameters(parameters: Json): HttpTaskRequest {
  if (!isJsonObject(parameters)) throw new HttpParameterError('The Parameters of an HTTP Task must be an object.');
  const endpoint = parameters.ApiEndpoint;
  if (typeof endpoint !== 'string') throw new HttpParameterError(`The field 'ApiEndpoint' is required and must be a string.`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HttpParameterError(`The ApiEndpoint '${endpoint}' is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new HttpParameterError(`The ApiEndpoint '${endpoint}' is not an HTTPS or HTTP URL.`);
  const method = parameters.Method;
  if (typeof method !== 'string' || !METHODS.has(method)) {
    throw new HttpParameterError(`The field 'Method' must be one of ${[...METHODS].join(', ')}${method === undefined ? '' : `, not ${JSON.stringify(method)}`}.`);
  }
  const auth = parameters.Authentication;
  const connectionArn = isJsonObject(auth) ? auth.ConnectionArn : undefined;
  if (typeof connectionArn !== 'string') throw new HttpParameterError(`The field 'Authentication.ConnectionArn' is required and must be a string.`);

  const headers = new Map<string, string>();
  if (parameters.Headers !== undefined) {
    if (!isJsonObject(parameters.Headers)) throw new HttpParameterError(`The field 'Headers' must be an object.`);
    const unsupported: string[] = [];
    for (const [name, value] of Object.entries(parameters.Headers)) {
      const lower = name.toLowerCase();
      if (isForbiddenHeader(lower)) {
        unsupported.push(lower);
        continue;
      }
      const text = scalarText(value, `Headers.${name}`);
      try {
        validateHeaderName(name);
        validateHeaderValue(name, text);
      } catch (e) {
        throw new HttpParameterError(`The header '${name}' cannot be sent: ${(e as Error).message}`);
      }
      headers.set(lower, text);
    }
    if (unsupported.length > 0) throw new HttpParameterError(`The 'Headers' field contains unsupported values: [${unsupported.join(', ')}]`);
  }

  if (parameters.QueryParameters !== undefined) {
    if (!isJsonObject(parameters.QueryParameters)) throw new HttpParameterError(`The field 'QueryParameters' must be an object.`);
    for (const [name, value] of Object.entries(parameters.QueryParameters)) {
      // A list repeats the key (our choice: AWS documents string values only).
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, scalarText(item, `QueryParameters.${name}`));
    }
  }

  let urlEncoded = false;
  let arrayFormat: ArrayFormat = 'INDICES';
  const transform = parameters.Transform;
  if (transform !== undefined) {
    if (!isJsonObject(transform)) throw new HttpParameterError(`The field 'Transform' must be an object.`);
    const encoding = transform.RequestBodyEncoding;
    if (encoding !== undefined && encoding !== 'NONE' && encoding !== 'URL_ENCODED') {
      throw new HttpParameterError(`The field 'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED, not ${JSON.stringify(encoding)}.`);
    }
    urlEncoded = encoding === 'URL_ENCODED';
    const options = transform.RequestEncodingOptions;
    if (options !== undefined) {
      const format = isJsonObject(options) ? options.ArrayFormat : undefined;
      if (format !== undefined && !(ARRAY_FORMATS as readonly Json[]).includes(format)) {
        throw new HttpParameterError(`The field 'Transform.RequestEncodingOptions.ArrayFormat' must be one of ${ARRAY_FORMATS.join(', ')}, not ${JSON.stringify(format)}.`);
      }
      if (format !== undefined) arrayFormat = format as ArrayFormat; // checked against ARRAY_FORMATS just above
    }
  }
  return { url, method, connectionArn, headers, body: parameters.RequestBody, urlEncoded, arrayFormat };
}

function scalarText(value: Json, at: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new HttpParameterError(`The value of '${at}' must be a string, a number or a boolean.`);
}

/** The connection's headers and query parameters join the Task's; on the same name the connection's win (our reading of AWS's merge rules). */
function applyParameters(headers: Map<string, string>, url: URL, parameters: HttpParameterSet): void {
  for (const [name, value] of parameters.headers) headers.set(name.toLowerCase(), value);
  for (const [name, value] of parameters.query) url.searchParams.set(name, value);
}

/** The connection's body parameters join a JSON object body (or make one); a text body is sent as written. */
function mergeBody(body: Json | undefined, parameters: HttpParameterSet): Json | undefined {
  if (parameters.body.length === 0) return body;
  if (body !== undefined && !isJsonObject(body)) return body;
  return { ...(body ?? {}), ...Object.fromEntries(parameters.body) };
}

function resultOf(outcome: HttpOutcome, timeoutMs: number): TaskResult {
  switch (outcome.kind) {
    case 'timeout':
      return { ok: false, error: 'States.Http.Socket', cause: `The HTTP Task timed out after ${timeoutMs / 1000} seconds.` };
    case 'socket':
      return { ok: false, error: 'States.Http.Socket', cause: outcome.message };
    case 'tooLarge':
      // The words the engine uses when a result passes the payload limit.
      return { ok: false, error: 'States.DataLimitExceeded', cause: `The state/task 'http' returned a result with a size exceeding the maximum number of bytes service limit.` };
    case 'response': {
      const result: JsonObject = {
        Headers: responseHeaders(outcome.rawHeaders),
        ResponseBody: responseBody(outcome.body, outcome.rawHeaders),
        StatusCode: outcome.statusCode,
        StatusText: outcome.statusText,
      };
      if (outcome.statusCode >= 200 && outcome.statusCode < 300) return { ok: true, output: result };
      return { ok: false, error: `States.Http.StatusCode.${outcome.statusCode}`, cause: JSON.stringify(result) };
    }
  }
}

/** Lower-case names, each with the list of its values in the order received. */
function responseHeaders(raw: readonly string[]): JsonObject {
  const byName = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const values = byName.get(name);
    if (values === undefined) byName.set(name, [raw[i + 1]]);
    else values.push(raw[i + 1]);
  }
  return Object.fromEntries(byName); // own properties: a `__proto__` header from the server stays data
}

/** A JSON body (by its Content-Type) as JSON, anything else as text. */
function responseBody(body: Buffer, raw: readonly string[]): Json {
  const text = body.toString('utf8');
  let contentType = '';
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === 'content-type') contentType = raw[i + 1].toLowerCase();
  const media = contentType.split(';')[0].trim();
  if (media !== 'application/json' && !media.endsWith('+json')) return text;
  // The scan refuses what JSON.parse would take but the engine should not (nesting past AWS's depth).
  if (text.trim() === '' || scanJson(text).error !== undefined) return text;
  return JSON.parse(text) as Json;
}

type Authorized = { readonly ok: true; readonly headers: readonly (readonly [string, string])[] } | { readonly ok: false; readonly failure: TaskResult };

/** OAuth client-credentials tokens, fetched once per connection and kept until they expire or a call is refused with 401/407. */
class OAuthTokens {
  private readonly byConnection = new Map<string, { token: string; expiresAtMs: number }>();
  private readonly pending = new Map<string, Promise<Authorized>>();

  constructor(private readonly timeoutMs: number) {}

  forget(connection: HttpConnection): void {
    this.byConnection.delete(connection.key);
  }

  authorize(connection: HttpConnection, userAgent: string): Promise<Authorized> {
    const auth = connection.authorization;
    switch (auth.type) {
      case 'BASIC':
        return Promise.resolve({ ok: true, headers: [['authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`]] });
      case 'API_KEY':
        return Promise.resolve({ ok: true, headers: [[auth.name.toLowerCase(), auth.value]] });
      case 'OAUTH_CLIENT_CREDENTIALS': {
        const cached = this.byConnection.get(connection.key);
        if (cached !== undefined && cached.expiresAtMs > Date.now()) return Promise.resolve({ ok: true, headers: [['authorization', `Bearer ${cached.token}`]] });
        // One token request per connection at a time: concurrent tasks share it.
        let pending = this.pending.get(connection.key);
        if (pending === undefined) {
          pending = this.fetchToken(connection, userAgent).finally(() => this.pending.delete(connection.key));
          this.pending.set(connection.key, pending);
        }
        return pending;
      }
    }
  }

  private async fetchToken(connection: HttpConnection, userAgent: string): Promise<Authorized> {
    if (connection.authorization.type !== 'OAUTH_CLIENT_CREDENTIALS') throw new Error('not an OAuth connection');
    const auth = connection.authorization;
    const url = new URL(auth.authorizationEndpoint);
    const headers = new Map<string, string>([
      ['authorization', `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`, 'utf8').toString('base64')}`],
      ['user-agent', userAgent],
    ]);
    const form = new URLSearchParams([['grant_type', 'client_credentials'], ...auth.tokenParameters.body.map(([k, v]): [string, string] => [k, v])]);
    for (const [name, value] of auth.tokenParameters.headers) headers.set(name.toLowerCase(), value);
    for (const [name, value] of auth.tokenParameters.query) url.searchParams.set(name, value);
    let body: Buffer | undefined;
    if (auth.httpMethod === 'GET') for (const [name, value] of form) url.searchParams.set(name, value);
    else {
      body = Buffer.from(form.toString(), 'utf8');
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const outcome = await sendHttpRequest({ url, method: auth.httpMethod, headers, body, timeoutMs: this.timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
    const refused = (why: string): Authorized => ({
      ok: false,
      failure: { ok: false, error: 'Events.ConnectionResource.InvalidConnectionState', cause: `The connection '${connection.key}' could not get an OAuth token from ${auth.authorizationEndpoint}: ${why}` },
    });
    if (outcome.kind !== 'response') return refused(outcome.kind === 'socket' ? outcome.message : outcome.kind === 'timeout' ? 'timed out' : 'the response is too large');
    if (outcome.statusCode < 200 || outcome.statusCode >= 300) return refused(`status ${outcome.statusCode} ${outcome.statusText}`);
    const text = outcome.body.toString('utf8');
    const parsed: unknown = scanJson(text).error === undefined ? JSON.parse(text) : undefined;
    const token = isJsonObject(parsed) ? parsed.access_token : undefined;
    if (typeof token !== 'string' || token === '') return refused('the response has no access_token');
    const expiresIn = isJsonObject(parsed) && typeof parsed.expires_in === 'number' ? parsed.expires_in : 3600;
    // A minute early, so that a token is not sent in its last seconds.
    this.byConnection.set(connection.key, { token, expiresAtMs: Date.now() + Math.max(0, expiresIn - 60) * 1000 });
    return { ok: true, headers: [['authorization', `Bearer ${token}`]] };
  }
}
