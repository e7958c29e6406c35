import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionRuntime } from '../../functions/index.js';
import type { ApiContext, LambdaCatalog, OperationRequest } from './api-context.js';
import { createAlias, deleteAlias, getAlias, listAliases, updateAlias } from './alias-operations.js';
import { validateModelInput } from './model-validation.js';
import { addPermission, getPolicy, removePermission } from './permission-operations.js';
import { toVersionRecord } from './published-versions.js';
import { listTags, tagResource, untagResource } from './tag-operations.js';
import { listVersionsByFunction, publishVersion } from './version-operations.js';
import { asServiceError, invalidRequestContent, LambdaApiError, serviceException } from './errors.js';
import { functionArn } from './function-name.js';
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
import { LAMBDA_API_PATH, matchOperation, type LambdaOperationName } from './model-routes.js';
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
  /** Where versions, aliases, policies and tags are kept: the server's store (SQLite or PostgreSQL). */
  readonly catalog: LambdaCatalog;
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

/** `functionName` is the decoded `{FunctionName}` label ('' for operations without one); `labels` all of them, decoded. */
interface Route {
  readonly run: (ctx: ApiContext, op: OperationRequest, functionName: string, labels: Readonly<Record<string, string>>) => Promise<void>;
  readonly body: BodyRule;
}

const json = (operation: string, limitBytes: number, tooLarge?: BodyRule['tooLarge']): BodyRule => ({ operation, kind: 'json', limitBytes: () => limitBytes, tooLarge });
const none = (operation: string): BodyRule => ({ operation, kind: 'none', limitBytes: () => NO_BODY_LIMIT_BYTES });

/** The model's operations Stepwright implements, with the body each takes; every other one answers UnknownOperationException. */
const OPERATIONS: Readonly<Partial<Record<LambdaOperationName, Route>>> = {
  CreateFunction: { run: (ctx, op) => createFunction(ctx, op), body: json('CreateFunction', MAX_CODE_REQUEST_BYTES) },
  ListFunctions: { run: (ctx, op) => listFunctions(ctx, op), body: none('ListFunctions') },
  GetFunction: { run: getFunction, body: none('GetFunction') },
  DeleteFunction: { run: deleteFunction, body: none('DeleteFunction') },
  GetFunctionConfiguration: { run: getFunctionConfiguration, body: none('GetFunctionConfiguration') },
  UpdateFunctionConfiguration: { run: updateFunctionConfiguration, body: json('UpdateFunctionConfiguration', 1024 * 1024) },
  UpdateFunctionCode: { run: updateFunctionCode, body: json('UpdateFunctionCode', MAX_CODE_REQUEST_BYTES) },
  Invoke: { run: invoke, body: { operation: 'InvokeFunction', kind: 'payload', limitBytes: invokeLimitBytes } },
  PutFunctionConcurrency: {
    run: putFunctionConcurrency,
    body: json('PutFunctionConcurrency', 64 * 1024, () => invalidRequestContent('Could not parse request body into json: the body is too large')),
  },
  DeleteFunctionConcurrency: { run: deleteFunctionConcurrency, body: none('DeleteFunctionConcurrency') },
  GetFunctionConcurrency: { run: getFunctionConcurrency, body: none('GetFunctionConcurrency') },
  PublishVersion: { run: publishVersion, body: json('PublishVersion', 64 * 1024) },
  ListVersionsByFunction: { run: listVersionsByFunction, body: none('ListVersionsByFunction') },
  CreateAlias: { run: createAlias, body: json('CreateAlias', 64 * 1024) },
  GetAlias: { run: getAlias, body: none('GetAlias') },
  UpdateAlias: { run: updateAlias, body: json('UpdateAlias', 64 * 1024) },
  DeleteAlias: { run: deleteAlias, body: none('DeleteAlias') },
  ListAliases: { run: listAliases, body: none('ListAliases') },
  TagResource: { run: tagResource, body: json('TagResource', 256 * 1024) },
  UntagResource: { run: untagResource, body: none('UntagResource') },
  ListTags: { run: listTags, body: none('ListTags') },
  AddPermission: { run: addPermission, body: json('AddPermission', 64 * 1024) },
  RemovePermission: { run: removePermission, body: none('RemovePermission') },
  GetPolicy: { run: getPolicy, body: none('GetPolicy') },
};

export const IMPLEMENTED_LAMBDA_OPERATIONS = Object.keys(OPERATIONS).sort() as readonly LambdaOperationName[];

/** Where GetFunction's Code.Location points: Stepwright's own route, not an AWS operation. */
const CODE_ARCHIVE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/code\.zip$/;
const CODE_ARCHIVE_ROUTE: Route = { run: getCodeArchive, body: none('GetCodeArchive') };

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
  const budget = options.budget ?? new RequestBudget();
  const authenticator = options.authenticator;
  const locks = new Map<string, Promise<unknown>>();
  const background = new Set<Promise<unknown>>();
  const ctx: ApiContext = {
    runtime: options.runtime,
    store,
    catalog: options.catalog,
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
      await loadPublished(ctx, record.name);
      if (record.tags !== undefined) {
        // Tags were kept in the function's metadata before the store kept them.
        await options.catalog.tagResource(functionArn(ctx.identity, record.name), Object.entries(record.tags).map(([key, value]) => ({ key, value })));
        const { tags: _moved, ...rest } = record;
        await store.save(rest);
      }
    }
  })();
  // The handler reports a failed load on each request; this keeps it from being an unhandled rejection.
  ready.catch(() => undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (!LAMBDA_API_PATH.test(path)) return false;
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    let release: (() => void) | undefined;
    try {
      await ready;
      const archive = method === 'GET' ? CODE_ARCHIVE_PATH.exec(path) : null;
      const matched = archive === null ? matchOperation(method, path, url.searchParams) : undefined;
      if (archive === null && matched === undefined) throw unknownRoute(method, path);
      const route = archive !== null ? CODE_ARCHIVE_ROUTE : OPERATIONS[matched!.name];
      if (route === undefined) throw unsupportedOperation(matched!.name);
      const body = await receiveBody(req, res, route.body, budget, (r) => (release = r));
      if (authenticator !== undefined) {
        const refusal = await authenticator.authenticate(req, body, 'lambda');
        if (refusal !== undefined) throw new LambdaApiError(refusal.code, 403, refusal.message);
      }
      const op: OperationRequest = { req, res, requestId, query: url.searchParams, body, releaseBody: () => release?.() };
      const labels = Object.fromEntries(Object.entries(archive !== null ? { FunctionName: archive[1] } : matched!.labels).map(([k, v]) => [k, decodedLabel(v)]));
      if (matched !== undefined) {
        const invalid = validateModelInput(matched.name, { labels, query: url.searchParams, headers: req.headers, body: route.body.kind === 'json' ? parsedOrUndefined(body) : undefined });
        if (invalid !== undefined) throw invalid;
      }
      await route.run(ctx, op, labels.FunctionName ?? '', labels);
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

/** A JSON body for the model layer; one that does not parse is the operation's to report. */
function parsedOrUndefined(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Registers a stored function's published versions and aliases with the runtime. */
async function loadPublished(ctx: ApiContext, name: string): Promise<void> {
  for (const stored of await ctx.catalog.listLambdaVersions(name)) {
    const version = toVersionRecord(stored);
    ctx.runtime.register(toRuntimeConfig(version, ctx.store.codeDir(version)));
  }
  for (const alias of await ctx.catalog.listLambdaAliases(name)) ctx.runtime.setAlias(name, alias.name, alias);
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
