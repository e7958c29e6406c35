import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { StoreError } from '../store/index.js';
import { checkHostAndOrigin, HostRules, type AuthErrorCode, type RequestAuthenticator } from './auth/index.js';
import { RequestBudget } from './request-budget.js';
import { errorBody, SfnApiError } from './sfn/errors.js';
import { definitionOperations, type Operation, type SfnContext } from './sfn/operations.js';
import { isOperation, validateOperationInput } from './sfn/validation.js';

/** A handler for other paths on the same port (the Lambda API): answers false when not its path. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface ServerOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** Step Functions operations by name; those not given answer UnknownOperationException. */
  readonly operations?: Readonly<Record<string, Operation>>;
  readonly rawHandlers?: readonly RawHandler[];
  /** More routes on the same port (the console's pages and its JSON/SSE endpoints), registered after the API's. */
  readonly routes?: readonly ((app: FastifyInstance) => void)[];
  /** pino logger options, or false for none. */
  readonly logger?: boolean | { level: string };
  /** A pino logger to log with instead (the CLI's: pretty on a terminal, JSON when piped). */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Host names the server answers for besides localhost and IP addresses (`--allowed-host`). */
  readonly allowedHosts?: readonly string[];
  /** `--auth`: API requests must be signed with a configured key or carry the console token. */
  readonly authenticator?: RequestAuthenticator;
  /** Bytes of request bodies held at once (share one with the Lambda handler). */
  readonly budget?: RequestBudget;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const AMZ_JSON = 'application/x-amz-json-1.0';
/** AWS takes at most 1 MB per Step Functions request. */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** The API paths of Lambda (`/2015-03-31/functions…`, `/2017-10-31/…`). */
const LAMBDA_PREFIX = /^\/\d{4}-\d{2}-\d{2}\//;
/** Coral's statuses for refused credentials on the Step Functions API. */
const SFN_AUTH_STATUS: Readonly<Record<AuthErrorCode, number>> = {
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 400,
  UnrecognizedClientException: 400,
};

type Surface = 'sfn' | 'lambda' | 'console-api' | 'page';

/**
 * One HTTP port for everything: the Step Functions API (awsJson1_0: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>`), the handlers given for other paths (Lambda's
 * restJson1 API), and `GET /health`.
 */
export function createServer(options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.loggerInstance !== undefined ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: MAX_REQUEST_BYTES,
    // One log line per API call would drown the execution logs: operations log what matters.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const ctx: SfnContext = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '123456789012' };
  const operations: Readonly<Record<string, Operation>> = { ...definitionOperations, ...options.operations };

  const hosts = new HostRules(options.allowedHosts);
  const budget = options.budget ?? new RequestBudget();
  const authenticator = options.authenticator;

  // The SDKs send awsJson bodies as application/x-amz-json-1.0; keep the bytes (they are signed) and parse them ourselves.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // First of all hooks: browser rules for every path, then the console token for the console's data.
  app.addHook('onRequest', async (request, reply) => {
    const surface = surfaceOf(request.method, request.url);
    if (request.method === 'OPTIONS') {
      return refuse(reply, surface, 'AccessDeniedException', 403, 'Stepwright grants no CORS preflight: web pages on other origins may not call it. Call it from the AWS CLI or SDKs, or use the console it serves.');
    }
    const refusal = checkHostAndOrigin(request.raw, hosts, surface === 'page' && (request.method === 'GET' || request.method === 'HEAD'));
    if (refusal !== undefined) return refuse(reply, surface, 'AccessDeniedException', 403, refusal.message);
    if (surface === 'console-api' && authenticator !== undefined && !authenticator.isConsole(request.raw)) {
      return refuse(reply, surface, 'AccessDeniedException', 401, 'This server runs with --auth: open the console with the URL it printed when it started (it ends in #token=…).');
    }
  });

  // Step Functions bodies wait for room in the server's budget (chunked ones are charged the limit).
  app.addHook('preParsing', async (request, reply, payload) => {
    if (surfaceOf(request.method, request.url) !== 'sfn') return payload;
    const declared = Number(request.headers['content-length']);
    const charge = Number.isFinite(declared) && request.headers['content-length'] !== undefined ? Math.min(declared, MAX_REQUEST_BYTES) : MAX_REQUEST_BYTES;
    const release = await budget.acquire(charge);
    if (release === undefined) throw new SfnApiError('ThrottlingException', 'Rate exceeded: the server is holding as many request bodies as it may; try again.');
    reply.raw.once('close', release);
    (request as { releaseBody?: () => void }).releaseBody = release;
    return payload;
  });

  for (const handler of options.rawHandlers ?? []) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/' || request.url === '/health') return;
      if (await handler(request.raw, reply.raw)) reply.hijack();
    });
  }

  app.get('/health', async () => ({ status: 'ok' }));

  app.post('/', async (request, reply) => {
    reply.header('content-type', AMZ_JSON);
    try {
      const target = request.headers['x-amz-target'];
      const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
      if (operation === undefined || !isOperation(operation)) {
        throw new SfnApiError('UnknownOperationException', `Unknown operation ${String(target)}`);
      }
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (authenticator !== undefined) {
        const refusal = await authenticator.authenticate(request.raw, bytes, 'states');
        if (refusal !== undefined) throw new SfnApiError(refusal.code, refusal.message, SFN_AUTH_STATUS[refusal.code]);
      }
      const input = parseBody(bytes);
      // Parsed: the bytes go back to the budget before the operation runs (StartSyncExecution waits long).
      (request as { releaseBody?: () => void }).releaseBody?.();
      validateOperationInput(operation, input);
      const run = operations[operation];
      if (run === undefined) throw new SfnApiError('UnknownOperationException', `${operation} is not supported yet`);
      return JSON.stringify((await run(input, ctx)) ?? {});
    } catch (e) {
      const error = e instanceof SfnApiError ? e : internalError(app, e);
      reply.code(error.status);
      return JSON.stringify(errorBody(error));
    }
  });

  for (const register of options.routes ?? []) register(app);

  // A path nothing serves: AWS's error for an operation it does not know, in the shape of the API
  // the request looks like (an SDK reads it; a browser gets text), never a framework's own page.
  app.setNotFoundHandler((request, reply) => {
    const surface = surfaceOf(request.method, request.url);
    const message = `Unknown operation: nothing is served at ${request.method} ${request.url.split('?')[0]}`;
    if (surface !== 'page') return void refuse(reply, surface, 'UnknownOperationException', 404, message);
    void reply.code(404).header('x-amzn-ErrorType', 'UnknownOperationException').type('application/json').send(JSON.stringify({ __type: 'UnknownOperationException', message }));
  });

  app.setErrorHandler((e, _request, reply) => {
    // Fastify's own refusals (body too large, bad content) in AWS's shape.
    const tooLarge = (e as { statusCode?: number }).statusCode === 413;
    const error = e instanceof SfnApiError ? e : tooLarge ? new SfnApiError('ValidationException', 'Request size exceeds the maximum of 1048576 bytes', 413) : internalError(app, e);
    void reply.code(error.status).header('content-type', AMZ_JSON).send(JSON.stringify(errorBody(error)));
  });

  return app;
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SfnApiError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SfnApiError('SerializationException', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function surfaceOf(method: string, url: string): Surface {
  const path = url.split('?')[0];
  if (path === '/' && method !== 'GET' && method !== 'HEAD') return 'sfn';
  if (LAMBDA_PREFIX.test(path)) return 'lambda';
  if (path.startsWith('/console/api/')) return 'console-api';
  return 'page';
}

/** A refusal in the shape of the API that was called: awsJson `__type`, Lambda's restJson error, or text for pages. */
function refuse(reply: FastifyReply, surface: Surface, code: string, status: number, message: string): FastifyReply {
  reply.code(status);
  switch (surface) {
    case 'sfn':
      return reply.header('content-type', AMZ_JSON).send(JSON.stringify({ __type: code, message }));
    case 'lambda':
      return reply.header('x-amzn-ErrorType', code).type('application/json').send(JSON.stringify({ Type: 'User', message, __type: code }));
    case 'console-api':
      return reply.type('application/json').send(JSON.stringify({ __type: code, message }));
    case 'page':
      return reply.type('text/plain; charset=utf-8').send(`${message}\n`);
  }
}

function internalError(app: FastifyInstance, e: unknown): SfnApiError {
  // A full disk is the operator's to fix and passes: say so, with a status clients retry on.
  if (e instanceof StoreError && e.code === 'DiskFull') {
    return new SfnApiError('ServiceUnavailable', `Stepwright cannot write: the disk holding its data dir is full. ${e.message}`, 503);
  }
  app.log.error({ err: e }, 'internal error');
  return new SfnApiError('InternalServerError', 'An internal error occurred', 500);
}
