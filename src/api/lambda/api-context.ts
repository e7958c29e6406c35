import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionRuntime } from '../../functions/index.js';
import { functionNotFound, invalidParameter, LambdaApiError } from './errors.js';
import { functionArn, parseFunctionName, type ApiIdentity } from './function-name.js';
import { recordForUnmanaged, type FunctionRecord } from './function-record.js';
import type { FunctionStore } from './function-store.js';

/** What every operation works with. */
export interface ApiContext {
  readonly runtime: FunctionRuntime;
  readonly store: FunctionStore;
  readonly identity: ApiIdentity;
  /** Runs mutations of one function name one at a time (create/update/delete never interleave). */
  readonly withLock: <T>(name: string, work: () => Promise<T>) => Promise<T>;
  /** Background work (Event invocations) that close() waits for. */
  readonly track: (work: Promise<unknown>) => void;
  readonly warn: (message: string) => void;
}

export interface OperationRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly query: URLSearchParams;
  /** The body, read (within the operation's limit) before the operation runs. */
  readonly body: Buffer;
  /** Gives the body's bytes back to the server's budget before a long wait (Invoke runs the function). */
  readonly releaseBody: () => void;
}

/** A function as the API sees it: created through the API, or only registered in the runtime. */
export interface ResolvedFunction {
  readonly record: FunctionRecord;
  /** False for functions loaded from a project's functions folder (read-only through the API). */
  readonly managed: boolean;
  /** The qualifier the caller named, if any (only `$LATEST` exists here). */
  readonly qualifier?: string;
}

/**
 * Resolves a FunctionName path parameter plus the optional Qualifier query parameter as Lambda
 * does: name, full ARN or partial ARN, `$LATEST` the only version there is.
 */
export function resolveFunction(ctx: ApiContext, reference: string, queryQualifier: string | null): ResolvedFunction | LambdaApiError {
  const parsed = parseFunctionName(reference);
  if (parsed instanceof LambdaApiError) return parsed;
  if (parsed.qualifier !== undefined && queryQualifier !== null && parsed.qualifier !== queryQualifier) {
    return invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = parsed.qualifier ?? queryQualifier ?? undefined;
  const found = lookup(ctx, parsed.name);
  if (found === undefined || (qualifier !== undefined && qualifier !== '$LATEST')) {
    return functionNotFound(functionArn(ctx.identity, parsed.name, qualifier));
  }
  return qualifier === undefined ? found : { ...found, qualifier };
}

export function lookup(ctx: ApiContext, name: string): ResolvedFunction | undefined {
  const record = ctx.store.get(name);
  if (record !== undefined) return { record, managed: true };
  const config = ctx.runtime.get(name);
  if (config !== undefined) return { record: recordForUnmanaged(config, ctx.identity.accountId), managed: false };
  return undefined;
}
