/**
 * The EventBridge connections HTTP Tasks name in `Authentication.ConnectionArn`, configured
 * locally: on AWS a connection keeps its credentials in Secrets Manager; here they come from a JSON
 * file (`stepwright server --http-connections FILE`, or `STEPWRIGHT_HTTP_CONNECTIONS=FILE`). The
 * file maps a connection ARN, or a connection's name (`…:connection/NAME/UUID`), to the fields of
 * EventBridge's CreateConnection request, so that a connection is written here as it is created there:
 *
 *   { "Stripe": { "AuthorizationType": "API_KEY",
 *                 "AuthParameters": { "ApiKeyAuthParameters": { "ApiKeyName": "Authorization", "ApiKeyValue": "Bearer sk_…" },
 *                                     "InvocationHttpParameters": { "HeaderParameters": [{ "Key": "Stripe-Version", "Value": "2024-06-20" }] } } } }
 *
 * docs/integrations.md describes the format; every mistake is reported with its key path.
 */
import fs from 'node:fs';
import { isJsonObject, type Json, type JsonObject } from '../language/json.js';

/** Key/value pairs a connection adds to every request (EventBridge's `InvocationHttpParameters`). */
export interface HttpParameterSet {
  readonly headers: readonly (readonly [string, string])[];
  readonly query: readonly (readonly [string, string])[];
  readonly body: readonly (readonly [string, string])[];
}

export type HttpAuthorization =
  | { readonly type: 'BASIC'; readonly username: string; readonly password: string }
  | { readonly type: 'API_KEY'; readonly name: string; readonly value: string }
  | {
      readonly type: 'OAUTH_CLIENT_CREDENTIALS';
      readonly authorizationEndpoint: string;
      readonly httpMethod: 'GET' | 'POST' | 'PUT';
      readonly clientId: string;
      readonly clientSecret: string;
      /** Sent with the token request (EventBridge's `OAuthHttpParameters`). */
      readonly tokenParameters: HttpParameterSet;
    };

export interface HttpConnection {
  /** The key the file gave it (an ARN or a name): what tokens are cached under. */
  readonly key: string;
  readonly authorization: HttpAuthorization;
  readonly invocation: HttpParameterSet;
}

/** A connection file's content is wrong: the message names the key path. */
export class HttpConnectionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpConnectionsError';
  }
}

const CONNECTION_ARN = /^arn:[^:]+:events:[^:]*:[^:]*:connection\/([^/]+)\/[^/]+$/;
const NO_PARAMETERS: HttpParameterSet = { headers: [], query: [], body: [] };

/** The configured connections, looked up by the ARN a Task names. */
export class HttpConnections {
  static readonly none = new HttpConnections(new Map());

  constructor(private readonly byKey: ReadonlyMap<string, HttpConnection>) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The connection configured under this exact ARN, else under the connection name the ARN carries. */
  find(connectionArn: string): HttpConnection | undefined {
    const exact = this.byKey.get(connectionArn);
    if (exact !== undefined) return exact;
    const name = CONNECTION_ARN.exec(connectionArn)?.[1];
    return name === undefined ? undefined : this.byKey.get(name);
  }
}

/** Reads the connection file; an unreadable or wrong file throws HttpConnectionsError naming it. */
export function loadHttpConnections(file: string): HttpConnections {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HttpConnectionsError(`cannot read the HTTP connections file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HttpConnectionsError(`the HTTP connections file ${file} is not JSON: ${(e as Error).message}`);
  }
  return parseHttpConnections(json, file);
}

export function parseHttpConnections(json: unknown, source = 'HTTP connections'): HttpConnections {
  if (!isJsonObject(json)) throw new HttpConnectionsError(`${source}: expected an object mapping connection ARNs or names to connections`);
  const byKey = new Map<string, HttpConnection>();
  for (const [key, value] of Object.entries(json)) {
    byKey.set(key, parseConnection(key, value, `${source}: ${key}`));
  }
  return new HttpConnections(byKey);
}

function parseConnection(key: string, value: Json, at: string): HttpConnection {
  const c = object(value, at);
  const type = c.AuthorizationType;
  const auth = object(c.AuthParameters, `${at}.AuthParameters`);
  const invocation = auth.InvocationHttpParameters === undefined ? NO_PARAMETERS : parameterSet(auth.InvocationHttpParameters, `${at}.AuthParameters.InvocationHttpParameters`);
  switch (type) {
    case 'BASIC': {
      const p = object(auth.BasicAuthParameters, `${at}.AuthParameters.BasicAuthParameters`);
      const where = `${at}.AuthParameters.BasicAuthParameters`;
      return { key, invocation, authorization: { type, username: string(p.Username, `${where}.Username`), password: string(p.Password, `${where}.Password`) } };
    }
    case 'API_KEY': {
      const where = `${at}.AuthParameters.ApiKeyAuthParameters`;
      const p = object(auth.ApiKeyAuthParameters, where);
      return { key, invocation, authorization: { type, name: string(p.ApiKeyName, `${where}.ApiKeyName`), value: string(p.ApiKeyValue, `${where}.ApiKeyValue`) } };
    }
    case 'OAUTH_CLIENT_CREDENTIALS': {
      const where = `${at}.AuthParameters.OAuthParameters`;
      const p = object(auth.OAuthParameters, where);
      const client = object(p.ClientParameters, `${where}.ClientParameters`);
      const method = p.HttpMethod;
      if (method !== 'GET' && method !== 'POST' && method !== 'PUT') throw new HttpConnectionsError(`${where}.HttpMethod must be GET, POST or PUT, not ${JSON.stringify(method ?? null)}`);
      const endpoint = string(p.AuthorizationEndpoint, `${where}.AuthorizationEndpoint`);
      if (!isHttpUrl(endpoint)) throw new HttpConnectionsError(`${where}.AuthorizationEndpoint must be an http(s) URL, not ${JSON.stringify(endpoint)}`);
      return {
        key,
        invocation,
        authorization: {
          type,
          authorizationEndpoint: endpoint,
          httpMethod: method,
          clientId: string(client.ClientID, `${where}.ClientParameters.ClientID`),
          clientSecret: string(client.ClientSecret, `${where}.ClientParameters.ClientSecret`),
          tokenParameters: p.OAuthHttpParameters === undefined ? NO_PARAMETERS : parameterSet(p.OAuthHttpParameters, `${where}.OAuthHttpParameters`),
        },
      };
    }
    default:
      throw new HttpConnectionsError(`${at}.AuthorizationType must be BASIC, API_KEY or OAUTH_CLIENT_CREDENTIALS, not ${JSON.stringify(type ?? null)}`);
  }
}

function parameterSet(value: Json, at: string): HttpParameterSet {
  const p = object(value, at);
  return { headers: pairs(p.HeaderParameters, `${at}.HeaderParameters`), query: pairs(p.QueryStringParameters, `${at}.QueryStringParameters`), body: pairs(p.BodyParameters, `${at}.BodyParameters`) };
}

/** `[{ "Key": "k", "Value": "v", "IsValueSecret": true }]` as EventBridge takes them. */
function pairs(value: Json | undefined, at: string): (readonly [string, string])[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HttpConnectionsError(`${at} must be a list of {"Key": …, "Value": …}`);
  return value.map((item, i) => {
    const p = object(item, `${at}[${i}]`);
    return [string(p.Key, `${at}[${i}].Key`), string(p.Value, `${at}[${i}].Value`)] as const;
  });
}

function object(value: Json | undefined, at: string): JsonObject {
  if (value === undefined || !isJsonObject(value)) throw new HttpConnectionsError(`${at} must be an object`);
  return value;
}

function string(value: Json | undefined, at: string): string {
  if (typeof value !== 'string') throw new HttpConnectionsError(`${at} must be a string`);
  return value;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
