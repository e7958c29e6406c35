import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionRuntime } from '../../functions/index.js';
import type { CatalogStore, LambdaAliasRecord, LambdaCatalogStore } from '../../store/index.js';
import { functionNotFound, invalidParameter, LambdaApiError } from './errors.js';
import { functionArn, parseFunctionName, type ApiIdentity } from './function-name.js';
import { recordForUnmanaged, type FunctionRecord } from './function-record.js';
import type { FunctionStore } from './function-store.js';
import { isVersionNumber, versionOf } from './published-versions.js';

/** What the Lambda API keeps in the store: versions, aliases, policies, and tags (by function ARN). */
export type LambdaCatalog = LambdaCatalogStore & Pick<CatalogStore, 'tagResource' | 'untagResource' | 'listTags'>;

/** What every operation works with. */
export interface ApiContext {
  readonly runtime: FunctionRuntime;
  readonly store: FunctionStore;
  readonly catalog: LambdaCatalog;
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
  /** The qualifier the caller named, if any: `$LATEST`, a version number or an alias name. */
  readonly qualifier?: string;
  /** The alias the qualifier named; `record` is then the version it points to. */
  readonly alias?: LambdaAliasRecord;
}

/**
 * Resolves a FunctionName path parameter plus the optional Qualifier query parameter as Lambda
 * does: name, full ARN or partial ARN; `$LATEST`, a published version or an alias. A qualified
 * reference resolves to the version's own record (its code and configuration as published).
 */
export async function resolveFunction(ctx: ApiContext, reference: string, queryQualifier: string | null): Promise<ResolvedFunction | LambdaApiError> {
  const parsed = parseFunctionName(reference);
  if (parsed instanceof LambdaApiError) return parsed;
  if (parsed.qualifier !== undefined && queryQualifier !== null && parsed.qualifier !== queryQualifier) {
    return invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = parsed.qualifier ?? queryQualifier ?? undefined;
  const found = lookup(ctx, parsed.name);
  const notFound = functionNotFound(functionArn(ctx.identity, parsed.name, qualifier));
  if (found === undefined) return notFound;
  if (qualifier === undefined) return found;
  if (qualifier === '$LATEST') return { ...found, qualifier };
  if (!found.managed) return notFound;
  if (isVersionNumber(qualifier)) {
    const record = await versionOf(ctx, parsed.name, qualifier);
    return record === undefined ? notFound : { record, managed: true, qualifier };
  }
  const alias = await ctx.catalog.getLambdaAlias(parsed.name, qualifier);
  if (alias === undefined) return notFound;
  const record = alias.functionVersion === '$LATEST' ? found.record : await versionOf(ctx, parsed.name, alias.functionVersion);
  return record === undefined ? notFound : { record, managed: true, qualifier, alias };
}

export function lookup(ctx: ApiContext, name: string): ResolvedFunction | undefined {
  const record = ctx.store.get(name);
  if (record !== undefined) return { record, managed: true };
  const config = ctx.runtime.get(name);
  if (config !== undefined) return { record: recordForUnmanaged(config, ctx.identity.accountId), managed: false };
  return undefined;
}
