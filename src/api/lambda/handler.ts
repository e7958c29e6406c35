import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionRuntime } from '../../functions/index.js';
import type { ApiContext, OperationRequest } from './api-context.js';
import { asServiceError, LambdaApiError, serviceException } from './errors.js';
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
import { sendError } from './http-exchange.js';
import { deleteFunctionConcurrency, getFunctionConcurrency, putFunctionConcurrency } from './concurrency-operations.js';
import { invoke } from './invoke.js';

export interface LambdaHandlerOptions {
  readonly runtime: FunctionRuntime;
  /** Functions created through the API are kept under `<dataDir>/functions/`. */
  readonly dataDir: string;
  /** Region and account of the ARNs the API reports (default us-east-1, 123456789012). */
  readonly region?: string;
  readonly accountId?: string;
  /** Where problems that have no client to answer go (default: stderr). */
  readonly warn?: (message: string) => void;
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

type Route = (ctx: ApiContext, op: OperationRequest, name: string) => Promise<void>;

/** The Lambda API operations by method, API version and the path after `/functions/{name}`. */
const FUNCTION_ROUTES: Readonly<Record<string, Route>> = {
  'GET 2015-03-31': getFunction,
  'DELETE 2015-03-31': deleteFunction,
  'GET 2015-03-31/configuration': getFunctionConfiguration,
  'PUT 2015-03-31/configuration': updateFunctionConfiguration,
  'PUT 2015-03-31/code': updateFunctionCode,
  'POST 2015-03-31/invocations': invoke,
  'GET 2015-03-31/code.zip': getCodeArchive,
  'PUT 2017-10-31/concurrency': putFunctionConcurrency,
  'DELETE 2017-10-31/concurrency': deleteFunctionConcurrency,
  'GET 2019-09-30/concurrency': getFunctionConcurrency,
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
    const op: OperationRequest = { req, res, requestId: randomUUID(), query: url.searchParams };
    const method = req.method ?? 'GET';
    try {
      await ready;
      if (encodedName === undefined) {
        if (version === '2015-03-31' && method === 'POST') await createFunction(ctx, op);
        else if (version === '2015-03-31' && method === 'GET') await listFunctions(ctx, op);
        else throw unknownOperation(method, path);
        return true;
      }
      const route = FUNCTION_ROUTES[`${method} ${version}${suffix ?? ''}`];
      if (route === undefined) throw unknownOperation(method, path);
      let name: string;
      try {
        name = decodeURIComponent(encodedName);
      } catch {
        name = encodedName;
      }
      await route(ctx, op, name);
    } catch (e) {
      const error = asServiceError(e) ?? internal(e, warn);
      sendError(res, error, op.requestId);
      if (res.getHeader('Connection') === 'close') req.destroy();
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

function unknownOperation(method: string, path: string): LambdaApiError {
  return new LambdaApiError('UnknownOperationException', 404, `Stepwright's Lambda API has no operation ${method} ${path}`);
}

function internal(e: unknown, warn: (m: string) => void): LambdaApiError {
  warn(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return serviceException('An internal error occurred while processing the request.');
}
