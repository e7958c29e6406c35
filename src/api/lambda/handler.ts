import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionRuntime } from '../../functions/index.js';
import type { ApiContext, OperationRequest } from './api-context.js';
import { asServiceError, invalidRequestContent, LambdaApiError, serviceException } from './errors.js';
import { toRuntimeConfig } from './function-record.js';
import { FunctionStore } from './function-store.js';
import {
  createFunction,
  deleteFunction,
  getCodeArchive,
  getFunction,
  getFunctionConfiguration,
  listFunctions,
  updateFunctionCode,
  updateFunctionConfiguration,
} from './function-operations.js';
import { readBody, sendError } from './http-exchange.js';
import { deleteFunctionConcurrency, getFunctionConcurrency, putFunctionConcurrency } from './concurrency-operations.js';
import { invoke, invokeLimitBytes } from './invoke.js';
import { MAX_CODE_REQUEST_BYTES } from './function-operations.js';
import { checkContentType, NO_BODY_LIMIT_BYTES, tooLargeFor, type BodyRule } from './request-body.js';
import type { RequestAuthenticator } from '../auth/index.js';
import { RequestBudget } from '../request-budget.js';

export interface LambdaHandlerOptions {
  readonly runtime: FunctionRuntime;
  /** Functions created through the API are kept under `<dataDir>/functions/`. */
  readonly dataDir: string;
  /** Region and account of the ARNs the API reports (default us-east-1, 123456789012). */
  readonly region?: string;
  readonly accountId?: string;
  /** Where problems that have no client to answer go (default: stderr). */
  readonly warn?: (message: string) => void;
  /** `--auth`: requests must be signed with a configured key (or carry the console token). */
  readonly authenticator?: RequestAuthenticator;
  /** Bytes of request bodies held at once, shared with the rest of the server (default: its own). */
  readonly budget?: RequestBudget;
}

/** A request handler for plain `node:http`: resolves true when it answered the request. */
export type LambdaHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & {
  /** Settles when the functions persisted under dataDir are loaded and registered. */
  readonly ready: Promise<void>;
  /** Waits for Event invocations still running. Does not close the runtime (its owner does). */
  readonly close: () => Promise<void>;
};

/** Lambda's paths: `/<api version>/functions[/<name>[/<suffix>]]`. */
const LAMBDA_PATH = /^\/(2015-03-31|2017-10-31|2019-09-30)\/functions(?:\/([^/]+)(\/.*)?)?\/?$/;

interface Route {
  readonly run: (ctx: ApiContext, op: OperationRequest, name: string) => Promise<void>;
  readonly body: BodyRule;
}

const json = (operation: string, limitBytes: number, tooLarge?: BodyRule['tooLarge']): BodyRule => ({ operation, kind: 'json', limitBytes: () => limitBytes, tooLarge });
const none = (operation: string): BodyRule => ({ operation, kind: 'none', limitBytes: () => NO_BODY_LIMIT_BYTES });

/** The Lambda API operations by method, API version and the path after `/functions/{name}`, with the body each takes. */
const FUNCTION_ROUTES: Readonly<Record<string, Route>> = {
  'GET 2015-03-31': { run: getFunction, body: none('GetFunction') },
  'DELETE 2015-03-31': { run: deleteFunction, body: none('DeleteFunction') },
  'GET 2015-03-31/configuration': { run: getFunctionConfiguration, body: none('GetFunctionConfiguration') },
  'PUT 2015-03-31/configuration': { run: updateFunctionConfiguration, body: json('UpdateFunctionConfiguration', 1024 * 1024) },
  'PUT 2015-03-31/code': { run: updateFunctionCode, body: json('UpdateFunctionCode', MAX_CODE_REQUEST_BYTES) },
  'POST 2015-03-31/invocations': { run: invoke, body: { operation: 'InvokeFunction', kind: 'payload', limitBytes: invokeLimitBytes } },
  'GET 2015-03-31/code.zip': { run: getCodeArchive, body: none('GetCodeArchive') },
  'PUT 2017-10-31/concurrency': {
    run: putFunctionConcurrency,
    body: json('PutFunctionConcurrency', 64 * 1024, () => invalidRequestContent('Could not parse request body into json: the body is too large')),
  },
  'DELETE 2017-10-31/concurrency': { run: deleteFunctionConcurrency, body: none('DeleteFunctionConcurrency') },
  'GET 2019-09-30/concurrency': { run: getFunctionConcurrency, body: none('GetFunctionConcurrency') },
};

const ROOT_ROUTES: Readonly<Record<string, Route>> = {
  'POST 2015-03-31': { run: (ctx, op) => createFunction(ctx, op), body: json('CreateFunction', MAX_CODE_REQUEST_BYTES) },
  'GET 2015-03-31': { run: (ctx, op) => listFunctions(ctx, op), body: none('ListFunctions') },
};

/**
 * The Lambda API (restJson1, as `@aws-sdk/client-lambda`, the AWS CLI and boto3 speak it) for
 * paths under `/2015-03-31/functions` (plus the function concurrency operations under
 * `/2017-10-31/` and `/2019-09-30/`). Functions created here persist under `dataDir` and are
 * registered again in `runtime` when the handler starts.
 */
export function createLambdaHandler(options: LambdaHandlerOptions): LambdaHandler {
  const store = new FunctionStore(options.dataDir);
  const warn = options.warn ?? ((m: string) => process.stderr.write(`stepwright lambda: ${m}\n`));
  const budget = options.budget ?? new RequestBudget();
  const authenticator = options.authenticator;
  const locks = new Map<string, Promise<unknown>>();
  const background = new Set<Promise<unknown>>();
  const ctx: ApiContext = {
    runtime: options.runtime,
    store,
    identity: { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '123456789012' },
    withLock: <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const previous = locks.get(name) ?? Promise.resolve();
      const next = previous.then(work, work);
      const settled = next.catch(() => undefined);
      locks.set(name, settled);
      void settled.then(() => {
        if (locks.get(name) === settled) locks.delete(name);
      });
      return next;
    },
    track: (work) => {
      background.add(work);
      void work.finally(() => background.delete(work));
    },
    warn,
  };

  const ready = (async () => {
    const records = await store.load(warn);
    for (const record of records) {
      if (options.runtime.get(record.name) !== undefined) {
        warn(`stored function '${record.name}' is not registered: a function of that name is already loaded`);
        continue;
      }
      options.runtime.register(toRuntimeConfig(record, store.codeDir(record)));
    }
  })();
  // The handler reports a failed load on each request; this keeps it from being an unhandled rejection.
  ready.catch(() => undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const match = LAMBDA_PATH.exec(path);
    if (match === null) return false;
    const [, version, encodedName, suffix] = match;
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    let release: (() => void) | undefined;
    try {
      await ready;
      const route = encodedName === undefined ? ROOT_ROUTES[`${method} ${version}`] : FUNCTION_ROUTES[`${method} ${version}${suffix ?? ''}`];
      if (route === undefined) throw unknownOperation(method, path);
      const body = await receiveBody(req, res, route.body, budget, (r) => (release = r));
      if (authenticator !== undefined) {
        const refusal = await authenticator.authenticate(req, body, 'lambda');
        if (refusal !== undefined) throw new LambdaApiError(refusal.code, 403, refusal.message);
      }
      const op: OperationRequest = { req, res, requestId, query: url.searchParams, body, releaseBody: () => release?.() };
      let name = '';
      if (encodedName !== undefined) {
        try {
          name = decodeURIComponent(encodedName);
        } catch {
          name = encodedName;
        }
      }
      await route.run(ctx, op, name);
    } catch (e) {
      const error = asServiceError(e) ?? internal(e, warn);
      sendError(res, error, requestId);
      if (res.getHeader('Connection') === 'close') req.destroy();
    } finally {
      release?.();
    }
    return true;
  };

  return Object.assign(handle, {
    ready,
    close: async (): Promise<void> => {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  });
}

/**
 * Waits for room in the server's budget, then reads the body up to the operation's limit. A body
 * of unknown length (chunked) is charged at that limit. An oversized body is discarded as it is
 * drained (it costs no memory), so it is charged nothing.
 */
async function receiveBody(req: IncomingMessage, res: ServerResponse, rule: BodyRule, budget: RequestBudget, held: (release: () => void) => void): Promise<Buffer> {
  const limit = rule.limitBytes(req);
  const declared = Number(req.headers['content-length']);
  const known = req.headers['content-length'] !== undefined && Number.isFinite(declared);
  const refusal = checkContentType(rule, req, known ? declared : 1);
  if (refusal !== undefined) throw refusal;
  const charge = known ? (declared > limit ? 0 : declared) : limit;
  if (charge > 0) {
    const release = await budget.acquire(charge);
    if (release === undefined) {
      throw new LambdaApiError('TooManyRequestsException', 429, `Rate exceeded: the server is already holding ${budget.usedBytes} bytes of request bodies; try again.`, {
        Reason: 'CallerRateLimitExceeded',
      });
    }
    held(release);
  }
  const read = await readBody(req, res, limit);
  if (read.kind === 'too-large') throw tooLargeFor(rule, limit);
  return read.body;
}

function unknownOperation(method: string, path: string): LambdaApiError {
  return new LambdaApiError('UnknownOperationException', 404, `Stepwright's Lambda API has no operation ${method} ${path}`);
}

function internal(e: unknown, warn: (m: string) => void): LambdaApiError {
  warn(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return serviceException('An internal error occurred while processing the request.');
}
