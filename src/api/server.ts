import type { IncomingMessage, ServerResponse } from 'node:http';
import { StoreError } from '../store/index.js';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
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
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const AMZ_JSON = 'application/x-amz-json-1.0';
/** AWS takes at most 1 MB per Step Functions request. */
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * One HTTP port for everything: the Step Functions API (awsJson1_0: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>`), the handlers given for other paths (Lambda's
 * restJson1 API), and `GET /health`.
 */
export function createServer(options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_REQUEST_BYTES,
    // One log line per API call would drown the execution logs: operations log what matters.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const ctx: SfnContext = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '123456789012' };
  const operations: Readonly<Record<string, Operation>> = { ...definitionOperations, ...options.operations };

  // The SDKs send awsJson bodies as application/x-amz-json-1.0; keep the text and parse it ourselves.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

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
      const input = parseBody(request.body);
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

  app.setErrorHandler((e, _request, reply) => {
    // Fastify's own refusals (body too large, bad content) in AWS's shape.
    const tooLarge = (e as { statusCode?: number }).statusCode === 413;
    const error = tooLarge ? new SfnApiError('ValidationException', 'Request size exceeds the maximum of 1048576 bytes', 413) : internalError(app, e);
    void reply.code(error.status).header('content-type', AMZ_JSON).send(JSON.stringify(errorBody(error)));
  });

  return app;
}

function parseBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  let value: unknown;
  try {
    value = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    throw new SfnApiError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SfnApiError('SerializationException', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function internalError(app: FastifyInstance, e: unknown): SfnApiError {
  // A full disk is the operator's to fix and passes: say so, with a status clients retry on.
  if (e instanceof StoreError && e.code === 'DiskFull') {
    return new SfnApiError('ServiceUnavailable', `Stepwright cannot write: the disk holding its data dir is full. ${e.message}`, 503);
  }
  app.log.error({ err: e }, 'internal error');
  return new SfnApiError('InternalServerError', 'An internal error occurred', 500);
}
