import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { lookup, resolveFunction, type ApiContext, type OperationRequest, type ResolvedFunction } from './api-context.js';
import {
  invalidParameter,
  invalidRequestContent,
  LambdaApiError,
  requestEntityTooLarge,
  resourceConflict,
  validationError,
} from './errors.js';
import { functionArn, parseFunctionName } from './function-name.js';
import { functionConfiguration, lambdaTimestamp, toRuntimeConfig, type FunctionRecord } from './function-record.js';
import type { StagedCode } from './function-store.js';
import { sendEmpty, sendJson } from './http-exchange.js';
import { asBodyOrThrow, decodeMarker, encodeMarker, orThrow, readJson } from './operation-input.js';
import { validateCodeUpdate, validateConfigurationUpdate, validateCreate } from './request-validation.js';
import { isVersionNumber, listVersions } from './published-versions.js';
import { publishLatest } from './version-publish.js';
import { MAX_UNZIPPED_BYTES, MAX_ZIPPED_BYTES, ZipRejectedError } from './zip-extract.js';

/** AWS's limit on a CreateFunction/UpdateFunctionCode request: a 50 MB zip, base64-encoded, in JSON. */
export const MAX_CODE_REQUEST_BYTES = 69_905_067;
/** ListFunctions answers at most 50 functions per page, whatever MaxItems asks. */
const LIST_PAGE_LIMIT = 50;

/** POST /2015-03-31/functions */
export async function createFunction(ctx: ApiContext, op: OperationRequest): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const input = orThrow(validateCreate(body));
  const parsed = orThrow(parseFunctionName(input.functionName, 140));
  if (parsed.qualifier !== undefined) {
    throw validationError([
      `Value '${input.functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`,
    ]);
  }
  const name = parsed.name;
  if (name.length > 64) {
    throw invalidParameter(`1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`);
  }
  if (input.zipFile.length > MAX_ZIPPED_BYTES) throw requestEntityTooLarge(`Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`);
  const record = await ctx.withLock(name, async () => {
    if (lookup(ctx, name) !== undefined) throw resourceConflict(`Function already exist: ${name}`);
    const staged = await stage(ctx, name, input.zipFile);
    const created: FunctionRecord = {
      name,
      runtime: input.runtime,
      handler: input.handler,
      role: input.role,
      description: input.description ?? '',
      timeout: input.timeout ?? 3,
      memorySize: input.memorySize ?? 128,
      ...(input.environment ? { environment: input.environment } : {}),
      codeSha256: staged.codeSha256,
      codeSize: staged.codeSize,
      codeFolder: staged.codeFolder,
      lastModified: lambdaTimestamp(new Date()),
      revisionId: randomUUID(),
      architectures: input.architectures,
      ephemeralStorageSize: input.ephemeralStorageSize ?? 512,
      tracingMode: input.tracingMode ?? 'PassThrough',
      logFormat: input.logFormat ?? 'Text',
    };
    try {
      // A name deleted and created again starts with no versions, aliases, policy or tags.
      await ctx.catalog.deleteLambdaFunction(name);
      await untagAll(ctx, name);
      ctx.runtime.register(toRuntimeConfig(created, ctx.store.codeDir(created)));
      await ctx.store.save(created);
    } catch (e) {
      await ctx.runtime.unregister(name).catch(() => undefined);
      await ctx.store.discardCode(name, staged.codeFolder);
      throw e instanceof LambdaApiError ? e : invalidParameter(e instanceof Error ? e.message : String(e));
    }
    if (input.tags !== undefined) await ctx.catalog.tagResource(functionArn(ctx.identity, name), Object.entries(input.tags).map(([key, value]) => ({ key, value })));
    return input.publish ? publishLatest(ctx, created, {}) : created;
  });
  sendJson(op.res, 201, functionConfiguration(record, ctx.identity), op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName} */
export async function getFunction(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const fn = orThrow(await resolveFunction(ctx, reference, op.query.get('Qualifier')));
  const out: Record<string, unknown> = {
    Configuration: configurationOf(ctx, fn),
    Code: { RepositoryType: 'S3', Location: codeLocation(op, fn) },
  };
  const tags = await ctx.catalog.listTags(functionArn(ctx.identity, fn.record.name));
  if (tags.length > 0) out.Tags = Object.fromEntries(tags.map((t) => [t.key, t.value]));
  if (fn.record.reservedConcurrency !== undefined) out.Concurrency = { ReservedConcurrentExecutions: fn.record.reservedConcurrency };
  sendJson(op.res, 200, out, op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName}/configuration */
export async function getFunctionConfiguration(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const fn = orThrow(await resolveFunction(ctx, reference, op.query.get('Qualifier')));
  sendJson(op.res, 200, configurationOf(ctx, fn), op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName}/code.zip: the Location GetFunction hands out (not an AWS route). */
export async function getCodeArchive(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const fn = orThrow(await resolveFunction(ctx, reference, null));
  if (!fn.managed) throw invalidParameter(`Function ${fn.record.name} was loaded from a functions folder and has no uploaded zip.`);
  const zip = await readFile(ctx.store.zipPath(fn.record));
  op.res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(zip.length), 'x-amzn-RequestId': op.requestId });
  op.res.end(zip);
}

/** GET /2015-03-31/functions/?Marker&MaxItems&FunctionVersion&MasterRegion */
export async function listFunctions(ctx: ApiContext, op: OperationRequest): Promise<void> {
  const version = op.query.get('FunctionVersion');
  const maxItemsText = op.query.get('MaxItems');
  const problems: string[] = [];
  if (version !== null && version !== 'ALL') {
    problems.push(`Value '${version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]`);
  }
  let maxItems = LIST_PAGE_LIMIT;
  if (maxItemsText !== null) {
    const n = Number(maxItemsText);
    if (!Number.isInteger(n)) throw invalidRequestContent(`Could not parse request: MaxItems '${maxItemsText}' is not an integer`);
    if (n < 1) problems.push(`Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    if (n > 10000) problems.push(`Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000`);
    maxItems = Math.min(n, LIST_PAGE_LIMIT);
  }
  if (problems.length > 0) throw validationError(problems);
  const marker = op.query.get('Marker');
  const after = marker === null || marker === '' ? undefined : decodeMarker(marker);

  const byName = new Map<string, ResolvedFunction>();
  for (const config of ctx.runtime.list()) {
    const found = lookup(ctx, config.name);
    if (found !== undefined) byName.set(config.name, found);
  }
  for (const record of ctx.store.list()) byName.set(record.name, { record, managed: true });
  const names = [...byName.keys()].sort();
  const start = after === undefined ? 0 : names.findIndex((n) => n > after);
  const page = start < 0 ? [] : names.slice(start, start + maxItems);
  const more = start >= 0 && start + maxItems < names.length;
  const out: Record<string, unknown> = {
    Functions: page.map((n) => {
      const fn = byName.get(n) as ResolvedFunction;
      return functionConfiguration(fn.record, ctx.identity, 'list');
    }),
  };
  if (more) out.NextMarker = encodeMarker(page[page.length - 1]);
  sendJson(op.res, 200, out, op.requestId);
}

/** PUT /2015-03-31/functions/{FunctionName}/code */
export async function updateFunctionCode(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const name = nameOf(reference);
  const input = orThrow(validateCodeUpdate(body));
  if (input.zipFile.length > MAX_ZIPPED_BYTES) throw requestEntityTooLarge(`Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`);
  const record = await ctx.withLock(name, async () => {
    const current = await managedOrThrow(ctx, reference);
    checkRevision(current, input.revisionId);
    const staged = await stage(ctx, name, input.zipFile);
    const updated: FunctionRecord = {
      ...current,
      codeSha256: staged.codeSha256,
      codeSize: staged.codeSize,
      codeFolder: staged.codeFolder,
      lastModified: lambdaTimestamp(new Date()),
      revisionId: randomUUID(),
      architectures: input.architectures ?? current.architectures,
    };
    if (input.dryRun) {
      await ctx.store.discardCode(name, staged.codeFolder);
      return { ...updated, revisionId: current.revisionId };
    }
    await apply(ctx, current, updated);
    const published = input.publish ? await publishLatest(ctx, updated, {}) : updated;
    await pruneUnused(ctx, updated);
    return published;
  });
  sendJson(op.res, 200, functionConfiguration(record, ctx.identity), op.requestId);
}

/** PUT /2015-03-31/functions/{FunctionName}/configuration */
export async function updateFunctionConfiguration(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const name = nameOf(reference);
  const input = orThrow(validateConfigurationUpdate(body));
  const record = await ctx.withLock(name, async () => {
    const current = await managedOrThrow(ctx, reference);
    checkRevision(current, input.revisionId);
    const { environment: _unused, ...base } = current;
    const environment = input.environment === undefined ? current.environment : (input.environment ?? undefined);
    const updated: FunctionRecord = {
      ...base,
      ...(environment !== undefined ? { environment } : {}),
      runtime: input.runtime ?? current.runtime,
      handler: input.handler ?? current.handler,
      role: input.role ?? current.role,
      description: input.description ?? current.description,
      timeout: input.timeout ?? current.timeout,
      memorySize: input.memorySize ?? current.memorySize,
      ephemeralStorageSize: input.ephemeralStorageSize ?? current.ephemeralStorageSize,
      tracingMode: input.tracingMode ?? current.tracingMode,
      logFormat: input.logFormat ?? current.logFormat,
      lastModified: lambdaTimestamp(new Date()),
      revisionId: randomUUID(),
    };
    await apply(ctx, current, updated);
    return updated;
  });
  sendJson(op.res, 200, functionConfiguration(record, ctx.identity), op.requestId);
}

/** DELETE /2015-03-31/functions/{FunctionName}?Qualifier: the function, or one published version of it. */
export async function deleteFunction(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const parsed = orThrow(parseFunctionName(reference));
  const qualifier = parsed.qualifier ?? op.query.get('Qualifier') ?? undefined;
  if (qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  await ctx.withLock(parsed.name, async () => {
    const found = lookup(ctx, parsed.name);
    const notFound = new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${functionArn(ctx.identity, parsed.name, qualifier)}`);
    if (found === undefined) throw notFound;
    if (!found.managed) throw readOnly(parsed.name);
    if (qualifier !== undefined) {
      if (!isVersionNumber(qualifier)) throw invalidParameter('Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.');
      await deleteVersion(ctx, found.record, qualifier, notFound);
      return;
    }
    await ctx.runtime.unregister(parsed.name);
    await ctx.catalog.deleteLambdaFunction(parsed.name);
    await untagAll(ctx, parsed.name);
    await ctx.store.remove(parsed.name);
  });
  // AWS answers DeleteFunction with 204 No Content.
  sendEmpty(op.res, 204, op.requestId);
}

async function deleteVersion(ctx: ApiContext, latest: FunctionRecord, version: string, notFound: LambdaApiError): Promise<void> {
  const name = latest.name;
  const users = (await ctx.catalog.listLambdaAliases(name)).filter((a) => a.functionVersion === version || a.additionalVersionWeights?.[version] !== undefined);
  if (users.length > 0) {
    throw resourceConflict(`Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
  }
  if (!(await ctx.catalog.deleteLambdaVersion(name, Number(version)))) throw notFound;
  await ctx.runtime.unregisterVersion(name, version);
  await pruneUnused(ctx, latest);
}

/** Removes code folders neither $LATEST nor a published version runs. */
async function pruneUnused(ctx: ApiContext, latest: FunctionRecord): Promise<void> {
  try {
    const kept = new Set((await listVersions(ctx, latest.name)).map((v) => v.codeFolder));
    await ctx.store.pruneCode(latest, kept);
  } catch (e) {
    ctx.warn(`could not remove old code of ${latest.name}: ${String(e)}`);
  }
}

async function untagAll(ctx: ApiContext, name: string): Promise<void> {
  const arn = functionArn(ctx.identity, name);
  const tags = await ctx.catalog.listTags(arn);
  if (tags.length > 0) await ctx.catalog.untagResource(arn, tags.map((t) => t.key));
}

export function configurationOf(ctx: ApiContext, fn: ResolvedFunction): Record<string, unknown> {
  const out = functionConfiguration(fn.record, ctx.identity);
  // Asked with a qualifier (a version, an alias, $LATEST), AWS answers with the qualified ARN.
  if (fn.qualifier !== undefined) out.FunctionArn = functionArn(ctx.identity, fn.record.name, fn.qualifier);
  return out;
}

function codeLocation(op: OperationRequest, fn: ResolvedFunction): string {
  const host = op.req.headers.host ?? '127.0.0.1';
  const ref = fn.record.version === undefined ? fn.record.name : `${fn.record.name}:${fn.record.version}`;
  return `http://${host}/2015-03-31/functions/${encodeURIComponent(ref)}/code.zip`;
}

/** Registers the new configuration with the runtime and persists it; on failure the old one stays. */
async function apply(ctx: ApiContext, current: FunctionRecord, updated: FunctionRecord): Promise<void> {
  try {
    ctx.runtime.register(toRuntimeConfig(updated, ctx.store.codeDir(updated)));
    await ctx.store.save(updated);
  } catch (e) {
    ctx.runtime.register(toRuntimeConfig(current, ctx.store.codeDir(current)));
    if (updated.codeFolder !== current.codeFolder) await ctx.store.discardCode(updated.name, updated.codeFolder);
    throw e instanceof LambdaApiError ? e : invalidParameter(e instanceof Error ? e.message : String(e));
  }
}

async function stage(ctx: ApiContext, name: string, zip: Buffer): Promise<StagedCode> {
  try {
    return await ctx.store.stageCode(name, zip);
  } catch (e) {
    if (!(e instanceof ZipRejectedError)) throw e;
    switch (e.kind) {
      case 'invalid':
        throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
      case 'unsafe':
        // AWS has no word for this; Stepwright refuses archives that could write outside their folder.
        throw invalidParameter(`Could not unzip uploaded file: ${e.message}. Entries must be relative paths inside the package, without '..', and not links.`);
      case 'too-large-zipped':
        throw requestEntityTooLarge(`Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`);
      case 'too-large-unzipped':
        throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    }
  }
}

/** The $LATEST of a function this API created (updates apply to $LATEST only, as on Lambda). */
export async function managedOrThrow(ctx: ApiContext, reference: string): Promise<FunctionRecord> {
  const parsed = orThrow(parseFunctionName(reference));
  const fn = orThrow(await resolveFunction(ctx, parsed.name, null));
  if (!fn.managed) throw readOnly(fn.record.name);
  return fn.record;
}

export function readOnly(name: string): LambdaApiError {
  return resourceConflict(`Function ${name} is defined in a functions folder; change its files instead of calling the API.`);
}

export function checkRevision(current: FunctionRecord, revisionId: string | undefined): void {
  if (revisionId !== undefined && revisionId !== current.revisionId) {
    throw new LambdaApiError(
      'PreconditionFailedException',
      412,
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}

function nameOf(reference: string): string {
  return orThrow(parseFunctionName(reference)).name;
}
