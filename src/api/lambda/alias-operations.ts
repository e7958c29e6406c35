import { randomUUID } from 'node:crypto';
import type { LambdaAliasRecord } from '../../store/index.js';
import type { ApiContext, OperationRequest } from './api-context.js';
import { invalidParameter, LambdaApiError, resourceConflict, resourceNotFound, functionNotFound } from './errors.js';
import { managedOrThrow } from './function-operations.js';
import { functionArn, parseFunctionName } from './function-name.js';
import { sendEmpty, sendJson } from './http-exchange.js';
import { asBodyOrThrow, decodeMarker, encodeMarker, orThrow, readJson } from './operation-input.js';
import { versionOf } from './published-versions.js';

/** ListAliases answers at most 50 aliases per page. */
const ALIASES_PAGE_LIMIT = 50;

type Body = Readonly<Record<string, unknown>>;

/** POST /2015-03-31/functions/{FunctionName}/aliases */
export async function createAlias(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const name = orThrow(parseFunctionName(reference)).name;
  const aliasName = String(body.Name);
  const alias = await ctx.withLock(name, async () => {
    await managedOrThrow(ctx, reference);
    const arn = functionArn(ctx.identity, name, aliasName);
    if ((await ctx.catalog.getLambdaAlias(name, aliasName)) !== undefined) throw resourceConflict(`Alias already exists: ${arn}`);
    const now = Date.now();
    const created: LambdaAliasRecord = {
      functionName: name,
      name: aliasName,
      functionVersion: String(body.FunctionVersion),
      description: typeof body.Description === 'string' ? body.Description : '',
      ...weightsOf(body),
      revisionId: randomUUID(),
      createdAt: now,
      updatedAt: now,
    };
    await checkTargets(ctx, created);
    await ctx.catalog.putLambdaAlias(created);
    ctx.runtime.setAlias(name, aliasName, created);
    return created;
  });
  sendJson(op.res, 201, aliasConfiguration(ctx, alias), op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName}/aliases/{Name} */
export async function getAlias(ctx: ApiContext, op: OperationRequest, reference: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const alias = await existing(ctx, reference, labels.Name ?? '');
  sendJson(op.res, 200, aliasConfiguration(ctx, alias), op.requestId);
}

/** PUT /2015-03-31/functions/{FunctionName}/aliases/{Name} */
export async function updateAlias(ctx: ApiContext, op: OperationRequest, reference: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const name = orThrow(parseFunctionName(reference)).name;
  const alias = await ctx.withLock(name, async () => {
    const current = await existing(ctx, reference, labels.Name ?? '');
    if (typeof body.RevisionId === 'string' && body.RevisionId !== current.revisionId) {
      throw new LambdaApiError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    const { additionalVersionWeights: _replaced, ...base } = current;
    const routing = body.RoutingConfig !== undefined && body.RoutingConfig !== null ? weightsOf(body) : current.additionalVersionWeights === undefined ? {} : { additionalVersionWeights: current.additionalVersionWeights };
    const updated: LambdaAliasRecord = {
      ...base,
      ...(typeof body.FunctionVersion === 'string' ? { functionVersion: body.FunctionVersion } : {}),
      ...(typeof body.Description === 'string' ? { description: body.Description } : {}),
      ...routing,
      revisionId: randomUUID(),
      updatedAt: Date.now(),
    };
    await checkTargets(ctx, updated);
    await ctx.catalog.putLambdaAlias(updated);
    ctx.runtime.setAlias(name, updated.name, updated);
    return updated;
  });
  sendJson(op.res, 200, aliasConfiguration(ctx, alias), op.requestId);
}

/** DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name} */
export async function deleteAlias(ctx: ApiContext, op: OperationRequest, reference: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const name = orThrow(parseFunctionName(reference)).name;
  const aliasName = labels.Name ?? '';
  await ctx.withLock(name, async () => {
    await managedOrThrow(ctx, reference);
    // Lambda answers 204 whether or not the alias existed.
    await ctx.catalog.deleteLambdaAlias(name, aliasName);
    ctx.runtime.setAlias(name, aliasName, undefined);
    await ctx.catalog.putLambdaPolicy(name, aliasName, undefined);
  });
  sendEmpty(op.res, 204, op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName}/aliases?FunctionVersion&Marker&MaxItems */
export async function listAliases(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const name = orThrow(parseFunctionName(reference)).name;
  await managedOrThrow(ctx, reference);
  const version = op.query.get('FunctionVersion');
  const all = (await ctx.catalog.listLambdaAliases(name)).filter((a) => version === null || a.functionVersion === version);
  const maxItems = Math.min(Number(op.query.get('MaxItems') ?? ALIASES_PAGE_LIMIT), ALIASES_PAGE_LIMIT);
  const marker = op.query.get('Marker');
  const after = marker === null || marker === '' ? undefined : decodeMarker(marker);
  const rest = after === undefined ? all : all.filter((a) => a.name > after);
  const page = rest.slice(0, maxItems);
  const out: Record<string, unknown> = { Aliases: page.map((a) => aliasConfiguration(ctx, a)) };
  if (rest.length > maxItems) out.NextMarker = encodeMarker(page[page.length - 1].name);
  sendJson(op.res, 200, out, op.requestId);
}

/** The AliasConfiguration shape of the model. */
function aliasConfiguration(ctx: ApiContext, a: LambdaAliasRecord): Record<string, unknown> {
  return {
    AliasArn: functionArn(ctx.identity, a.functionName, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(a.additionalVersionWeights !== undefined ? { RoutingConfig: { AdditionalVersionWeights: { ...a.additionalVersionWeights } } } : {}),
    RevisionId: a.revisionId,
  };
}

async function existing(ctx: ApiContext, reference: string, aliasName: string): Promise<LambdaAliasRecord> {
  const name = orThrow(parseFunctionName(reference)).name;
  await managedOrThrow(ctx, reference);
  const alias = await ctx.catalog.getLambdaAlias(name, aliasName);
  if (alias === undefined) throw resourceNotFound(`Alias not found: ${functionArn(ctx.identity, name, aliasName)}`);
  return alias;
}

function weightsOf(body: Body): { additionalVersionWeights?: Readonly<Record<string, number>> } {
  const routing = body.RoutingConfig;
  if (typeof routing !== 'object' || routing === null) return {};
  const weights = (routing as Body).AdditionalVersionWeights;
  if (typeof weights !== 'object' || weights === null || Object.keys(weights).length === 0) return {};
  return { additionalVersionWeights: { ...(weights as Record<string, number>) } };
}

/** The versions an alias names must exist; weighted routing is between published versions only, as on Lambda. */
async function checkTargets(ctx: ApiContext, alias: LambdaAliasRecord): Promise<void> {
  const name = alias.functionName;
  const exists = async (version: string): Promise<boolean> => version === '$LATEST' || (await versionOf(ctx, name, version)) !== undefined;
  if (!(await exists(alias.functionVersion))) throw functionNotFound(functionArn(ctx.identity, name, alias.functionVersion));
  const weights = alias.additionalVersionWeights;
  if (weights === undefined) return;
  if (alias.functionVersion === '$LATEST') throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  for (const version of Object.keys(weights)) {
    if (version === alias.functionVersion) throw invalidParameter(`Invalid function version ${version}. Function version ${version} is already included in routing configuration.`);
    if (!(await exists(version))) throw functionNotFound(functionArn(ctx.identity, name, version));
  }
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  if (total > 1) throw invalidParameter('The sum of the additional version weights must not exceed 1.0.');
}
