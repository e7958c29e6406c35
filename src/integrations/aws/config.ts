/**
 * Where Task states' AWS calls go, per service, and with which credentials. From lowest to highest
 * precedence: the standard AWS environment and profiles (the SDK's own chain: real AWS), a project
 * file (`aws.json`), `STEPWRIGHT_AWS_ENDPOINTS=sns=URL,sqs=URL`, then `--aws-endpoint SERVICE=URL`
 * flags. Step Functions and Lambda calls go to Stepwright itself unless an endpoint is configured
 * for them. `*` names every service (one emulator such as LocalStack or moto for all).
 */
import fs from 'node:fs';
import { AWS_SERVICES, canonicalServiceId } from './services.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsEndpoint {
  readonly url: string;
  readonly region?: string;
  readonly credentials?: AwsCredentials;
}

export interface AwsConfig {
  /** The region of calls whose resource names none (`arn:aws:states:::sns:publish`); default: the server's. */
  readonly region?: string;
  /** Credentials for every service without its own (default: the SDK's chain, or dummy ones for an endpoint we are pointed at). */
  readonly credentials?: AwsCredentials;
  /** A named profile of ~/.aws for the SDK's chain. */
  readonly profile?: string;
  /** By canonical service id (`sns`, `eventbridge`, `sfn` …) or `*`. */
  readonly endpoints: ReadonlyMap<string, AwsEndpoint>;
  /**
   * Whether calls to a service without an endpoint go to AWS itself through the SDK's standard
   * chain: only when there are credentials for it (the AWS environment, a profile, or `credentials`
   * here). Otherwise such Tasks are not served, as before any configuration: a request-response
   * Task fails as an unknown resource and a `.waitForTaskToken` one takes its message as sent.
   */
  readonly standardEnvironment?: boolean;
  /** Attempts per call, the first included (default: the SDK's, 3, retrying throttling and 5xx answers as AWS's SDK does). */
  readonly maxAttempts?: number;
}

export const EMPTY_AWS_CONFIG: AwsConfig = { endpoints: new Map() };

/** A configuration mistake, naming where it is (the flag, the variable, the file and key path). */
export class AwsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsConfigError';
  }
}

const KNOWN = new Set([...AWS_SERVICES.map((s) => s.id), '*']);

function checkService(name: string, where: string): string {
  const id = canonicalServiceId(name.trim());
  if (!KNOWN.has(id)) throw new AwsConfigError(`${where}: unknown service '${name}'; valid: ${[...KNOWN].join(', ')} (events and states are aliases of eventbridge and sfn)`);
  return id;
}

function checkUrl(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new AwsConfigError(`${where}: expected an http(s) URL, got ${JSON.stringify(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AwsConfigError(`${where}: '${value}' is not a URL; expected e.g. http://127.0.0.1:4566`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AwsConfigError(`${where}: '${value}' is not an http(s) URL`);
  return value.replace(/\/+$/, '');
}

/** `SERVICE=URL` (the flag's and the variable's form). */
export function parseAwsEndpoint(text: string, where = '--aws-endpoint'): [string, AwsEndpoint] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new AwsConfigError(`${where}: '${text}' is not SERVICE=URL (e.g. sns=http://127.0.0.1:4566)`);
  return [checkService(text.slice(0, eq), where), { url: checkUrl(text.slice(eq + 1).trim(), where) }];
}

/** `STEPWRIGHT_AWS_ENDPOINTS`: `SERVICE=URL` pairs separated by commas. */
export function parseAwsEndpointList(text: string, where = 'STEPWRIGHT_AWS_ENDPOINTS'): Map<string, AwsEndpoint> {
  const out = new Map<string, AwsEndpoint>();
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const [id, endpoint] = parseAwsEndpoint(part.trim(), where);
    out.set(id, endpoint);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkCredentials(value: unknown, where: string): AwsCredentials {
  if (!isObject(value) || typeof value.accessKeyId !== 'string' || typeof value.secretAccessKey !== 'string') {
    throw new AwsConfigError(`${where}: expected {"accessKeyId": "…", "secretAccessKey": "…"[, "sessionToken": "…"]}`);
  }
  if (value.sessionToken !== undefined && typeof value.sessionToken !== 'string') throw new AwsConfigError(`${where}.sessionToken: expected a string`);
  return { accessKeyId: value.accessKeyId, secretAccessKey: value.secretAccessKey, ...(typeof value.sessionToken === 'string' ? { sessionToken: value.sessionToken } : {}) };
}

function checkString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new AwsConfigError(`${where}: expected a non-empty string`);
  return value;
}

/**
 * The project file's form: `{"region": "eu-west-1", "profile": "dev", "credentials": {…},
 * "endpoints": {"sns": "http://…", "dynamodb": {"url": "http://…", "region": "…", "credentials": {…}}}}`.
 */
export function parseAwsConfigDocument(doc: unknown, where: string): AwsConfig {
  if (!isObject(doc)) throw new AwsConfigError(`${where}: expected a JSON object`);
  for (const key of Object.keys(doc)) {
    if (!['region', 'profile', 'credentials', 'endpoints', 'maxAttempts'].includes(key)) throw new AwsConfigError(`${where}: unknown key '${key}'; valid: region, profile, credentials, endpoints, maxAttempts`);
  }
  const endpoints = new Map<string, AwsEndpoint>();
  if (doc.endpoints !== undefined) {
    if (!isObject(doc.endpoints)) throw new AwsConfigError(`${where}.endpoints: expected an object of SERVICE: URL`);
    for (const [name, value] of Object.entries(doc.endpoints)) {
      const at = `${where}.endpoints.${name}`;
      const id = checkService(name, at);
      if (typeof value === 'string') {
        endpoints.set(id, { url: checkUrl(value, at) });
        continue;
      }
      if (!isObject(value)) throw new AwsConfigError(`${at}: expected a URL or {"url", "region", "credentials"}`);
      endpoints.set(id, {
        url: checkUrl(value.url, `${at}.url`),
        ...(value.region !== undefined ? { region: checkString(value.region, `${at}.region`) } : {}),
        ...(value.credentials !== undefined ? { credentials: checkCredentials(value.credentials, `${at}.credentials`) } : {}),
      });
    }
  }
  return {
    endpoints,
    ...(doc.region !== undefined ? { region: checkString(doc.region, `${where}.region`) } : {}),
    ...(doc.profile !== undefined ? { profile: checkString(doc.profile, `${where}.profile`) } : {}),
    ...(doc.credentials !== undefined ? { credentials: checkCredentials(doc.credentials, `${where}.credentials`) } : {}),
    ...(doc.maxAttempts !== undefined ? { maxAttempts: checkAttempts(doc.maxAttempts, `${where}.maxAttempts`) } : {}),
  };
}

function checkAttempts(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10) throw new AwsConfigError(`${where}: expected an integer from 1 to 10, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads a project's `aws.json`; a missing file is no configuration. */
export function loadAwsConfigFile(file: string): AwsConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_AWS_CONFIG;
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AwsConfigError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseAwsConfigDocument(doc, file);
}

export interface AwsConfigSources {
  /** The project's aws.json (absent: none). */
  readonly file?: string;
  /** STEPWRIGHT_AWS_ENDPOINTS. */
  readonly env?: string;
  /** Each `--aws-endpoint SERVICE=URL`. */
  readonly flags?: readonly string[];
  /**
   * Whether the standard AWS environment has credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws).
   * When it has none, configured endpoints get dummy credentials: emulators take any, and the SDK
   * would otherwise refuse to sign.
   */
  readonly standardCredentials?: boolean;
}

/** What emulators (moto, LocalStack) and Stepwright without --auth accept. */
export const EMULATOR_CREDENTIALS: AwsCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The configuration from its sources, later ones winning per service. */
export function resolveAwsConfig(sources: AwsConfigSources): AwsConfig {
  const base = sources.file !== undefined ? loadAwsConfigFile(sources.file) : EMPTY_AWS_CONFIG;
  const endpoints = new Map(base.endpoints);
  if (sources.env !== undefined && sources.env !== '') for (const [id, e] of parseAwsEndpointList(sources.env)) endpoints.set(id, e);
  for (const flag of sources.flags ?? []) {
    const [id, e] = parseAwsEndpoint(flag);
    endpoints.set(id, e);
  }
  if (sources.standardCredentials === false && base.credentials === undefined) {
    for (const [id, e] of endpoints) if (e.credentials === undefined) endpoints.set(id, { ...e, credentials: EMULATOR_CREDENTIALS });
  }
  const standardEnvironment = sources.standardCredentials === true || base.credentials !== undefined || base.profile !== undefined;
  return { ...base, endpoints, standardEnvironment };
}

/** Whether calls to a service can be made: to its endpoint, to Stepwright (sfn, lambda), or to AWS with the standard chain. */
export function isReachable(config: AwsConfig, serviceId: string): boolean {
  return config.endpoints.has(serviceId) || config.endpoints.has('*') || serviceId === 'sfn' || serviceId === 'lambda' || config.standardEnvironment === true;
}

/**
 * The endpoint of a service's calls: its own, else `*`'s, else Stepwright's own for Step Functions
 * and Lambda (`self`, once the server listens), else none (the SDK's: real AWS).
 */
export function endpointOf(config: AwsConfig, serviceId: string, self?: string): AwsEndpoint | undefined {
  const own = config.endpoints.get(serviceId) ?? config.endpoints.get('*');
  if (own !== undefined) return own;
  if ((serviceId === 'sfn' || serviceId === 'lambda') && self !== undefined) return { url: self, credentials: config.credentials ?? EMULATOR_CREDENTIALS };
  return undefined;
}
