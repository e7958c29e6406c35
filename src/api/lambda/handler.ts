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
import { LAMBDA_API_PATH, matchOperation, type LambdaOperationName } from './model-routes.js';
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

/** `functionName` is the decoded `{FunctionName}` label ('' for operations without one). */
type Route = (ctx: ApiContext, op: OperationRequest, functionName: string) => Promise<void>;

/** The model's operations Stepwright implements; every other one answers UnknownOperationException. */
const OPERATIONS: Readonly<Partial<Record<LambdaOperationName, Route>>> = {
  CreateFunction: (ctx, op) => createFunction(ctx, op),
  ListFunctions: (ctx, op) => listFunctions(ctx, op),
  GetFunction: getFunction,
  DeleteFunction: deleteFunction,
  GetFunctionConfiguration: getFunctionConfiguration,
  UpdateFunctionConfiguration: updateFunctionConfiguration,
  UpdateFunctionCode: updateFunctionCode,
  Invoke: invoke,
  PutFunctionConcurrency: putFunctionConcurrency,
  DeleteFunctionConcurrency: deleteFunctionConcurrency,
  GetFunctionConcurrency: getFunctionConcurrency,
};

export const IMPLEMENTED_LAMBDA_OPERATIONS = Object.keys(OPERATIONS).sort() as readonly LambdaOperationName[];

/** Where GetFunction's Code.Location points: Stepwright's own route, not an AWS operation. */
const CODE_ARCHIVE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/code\.zip$/;

/**
 * The Lambda API (restJson1, as `@aws-sdk/client-lambda`, the AWS CLI and boto3 speak it) for
 * every path that starts with an API version (`/2015-03-31/…`): the operations in OPERATIONS,
 * and UnknownOperationException for the rest of the model and for paths no operation has.
 * Functions created here persist under `dataDir` and are registered again in `runtime` when the
 * handler starts.
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
    if (!LAMBDA_API_PATH.test(path)) return false;
    const op: OperationRequest = { req, res, requestId: randomUUID(), query: url.searchParams };
    const method = req.method ?? 'GET';
    try {
      await ready;
      const archive = method === 'GET' ? CODE_ARCHIVE_PATH.exec(path) : null;
      if (archive !== null) {
        await getCodeArchive(ctx, op, decodedLabel(archive[1]));
        return true;
      }
      const matched = matchOperation(method, path, url.searchParams);
      if (matched === undefined) throw unknownRoute(method, path);
      const route = OPERATIONS[matched.name];
      if (route === undefined) throw unsupportedOperation(matched.name);
      await route(ctx, op, decodedLabel(matched.labels.FunctionName ?? ''));
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

function decodedLabel(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

// AWS's common error for an operation it does not know: UnknownOperationException, 404.
function unknownRoute(method: string, path: string): LambdaApiError {
  return new LambdaApiError('UnknownOperationException', 404, `Unknown operation: no Lambda API operation is ${method} ${path}`);
}

function unsupportedOperation(name: LambdaOperationName): LambdaApiError {
  return new LambdaApiError('UnknownOperationException', 404, `Unknown operation: Stepwright's Lambda API does not support ${name} yet`);
}

function internal(e: unknown, warn: (m: string) => void): LambdaApiError {
  warn(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return serviceException('An internal error occurred while processing the request.');
}
