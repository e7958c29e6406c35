import { createHash, createHmac, timingSafeEqual, type Hash as NodeHash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AccessKeys } from './access-keys.js';

/** The signing names of the two APIs (the `service` of a credential scope). */
export type SigningService = 'states' | 'lambda';

/** AWS's names for a request it will not authenticate; each API maps them to its status and shape. */
export type AuthErrorCode = 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'InvalidSignatureException' | 'UnrecognizedClientException';

export interface AuthRefusal {
  readonly code: AuthErrorCode;
  readonly message: string;
}

/** As AWS: a signature is good for 15 minutes either side of the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX_SIGNATURE = /^[0-9a-f]{64}$/;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export interface VerifyRequest {
  readonly req: IncomingMessage;
  /** The body exactly as received (its SHA-256 is part of the signature). */
  readonly body: Uint8Array;
  readonly service: SigningService;
  /** The region the server answers for: a signature scoped to another is refused, as AWS does. */
  readonly region: string;
  readonly keys: AccessKeys;
  readonly nowMs: number;
}

/**
 * Verifies an `Authorization: AWS4-HMAC-SHA256 …` header. The expected signature is computed by
 * the SDKs' own signer (`@smithy/signature-v4`) over the request as received, with exactly the
 * headers the client signed, then compared in constant time. Resolves undefined when the request
 * is authentic. Presigned URLs (the query form) are not accepted: no AWS client uses them for these
 * two APIs.
 */
export async function verifySignatureV4(input: VerifyRequest): Promise<AuthRefusal | undefined> {
  const { req } = input;
  const authorization = req.headers.authorization;
  if (authorization === undefined || authorization === '') {
    return { code: 'MissingAuthenticationTokenException', message: input.service === 'lambda' ? 'Missing Authentication Token' : 'Request is missing Authentication Token' };
  }
  const parsed = parseAuthorization(authorization);
  if ('code' in parsed) return parsed;
  const { keyId, scopeDate, scopeRegion, scopeService, signedHeaders, signature } = parsed;

  const secret = input.keys.get(keyId);
  if (secret === undefined) return { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };

  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') {
    return incomplete(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`);
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  const skew = signedAt.getTime() - input.nowMs;
  if (skew < -MAX_CLOCK_SKEW_MS) {
    return invalid(`Signature expired: ${amzDate} is now earlier than ${basic(input.nowMs - MAX_CLOCK_SKEW_MS)} (${basic(input.nowMs)} - 15 min.)`);
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    return invalid(`Signature not yet current: ${amzDate} is still later than ${basic(input.nowMs + MAX_CLOCK_SKEW_MS)} (${basic(input.nowMs)} + 15 min.)`);
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  if (scopeRegion !== input.region) return invalid(`Credential should be scoped to a valid region. This server answers for '${input.region}', not '${scopeRegion}'.`);
  if (scopeService !== input.service) return invalid(`Credential should be scoped to correct service: '${input.service}'. `);
  if (!signedHeaders.includes('host')) return invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return invalid(MISMATCH);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const payloadHash = createHash('sha256').update(input.body).digest('hex');
  const claimed = headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== payloadHash) return invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");

  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const host = headers.host;
  const signer = new SignatureV4({
    credentials: { accessKeyId: keyId, secretAccessKey: secret },
    region: scopeRegion,
    service: scopeService,
    sha256: NodeSha256,
    // Add nothing the client did not sign; hash the body as received.
    applyChecksum: false,
    uriEscapePath: true,
  });
  const expected = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: host,
      path: q < 0 ? url : url.slice(0, q),
      query: queryOf(q < 0 ? '' : url.slice(q + 1)),
      headers,
      body: input.body,
    },
    { signingDate: signedAt, signableHeaders: new Set(signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const ok = computed.length === signature.length && timingSafeEqual(Buffer.from(computed), Buffer.from(signature));
  return ok ? undefined : invalid(MISMATCH);
}

interface ParsedAuthorization {
  readonly keyId: string;
  readonly scopeDate: string;
  readonly scopeRegion: string;
  readonly scopeService: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | AuthRefusal {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) return incomplete(`Authorization header requires the '${ALGORITHM}' algorithm, got '${algorithm.slice(0, 40)}'. Authorization=${value.slice(0, 200)}`);
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((p) => !params.has(p));
  if (missing.length > 0) return incomplete(`${missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' ')} Authorization=${value.slice(0, 200)}`);
  const credential = params.get('Credential') as string; // present: checked just above
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    return incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential.slice(0, 200)}'`);
  }
  const signature = params.get('Signature') as string;
  if (!HEX_SIGNATURE.test(signature)) return invalid(MISMATCH);
  const signedHeaders = (params.get('SignedHeaders') as string).split(';');
  if (signedHeaders.some((h) => h === '' || h !== h.toLowerCase() || h === '__proto__')) {
    return incomplete(`SignedHeaders must be lowercase header names separated by ';'. Authorization=${value.slice(0, 200)}`);
  }
  return { keyId: parts[0], scopeDate: parts[1], scopeRegion: parts[2], scopeService: parts[3], signedHeaders, signature };
}

function queryOf(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of new URLSearchParams(text)) {
    const prior = out[k];
    out[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  return out;
}

function parseAmzDate(text: string): Date | undefined {
  const m = AMZ_DATE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const basic = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
const incomplete = (message: string): AuthRefusal => ({ code: 'IncompleteSignatureException', message });
const invalid = (message: string): AuthRefusal => ({ code: 'InvalidSignatureException', message });

/** What the signer hashes (its `SourceData`). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** The signer's hash: SHA-256, or HMAC-SHA256 when given a key. */
class NodeSha256 {
  private readonly hash: NodeHash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
