import type { ApiContext, OperationRequest } from './api-context.js';
import { lookup } from './api-context.js';
import { functionNotFound, invalidParameter } from './errors.js';
import { functionArn } from './function-name.js';
import { sendEmpty, sendJson } from './http-exchange.js';
import { asBodyOrThrow, readJson } from './operation-input.js';

/** A function's ARN as the tag operations take it: Lambda tags functions, not their versions or aliases. */
const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_]+)(?::([^:]+))?$/;

/** POST /2017-03-31/tags/{Resource} */
export async function tagResource(ctx: ApiContext, op: OperationRequest, _name: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const arn = taggedFunction(ctx, labels.Resource ?? '');
  const tags = Object.entries((body.Tags ?? {}) as Record<string, string>).map(([key, value]) => ({ key, value }));
  await ctx.catalog.tagResource(arn, tags);
  sendEmpty(op.res, 204, op.requestId);
}

/** DELETE /2017-03-31/tags/{Resource}?tagKeys=… */
export async function untagResource(ctx: ApiContext, op: OperationRequest, _name: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const arn = taggedFunction(ctx, labels.Resource ?? '');
  await ctx.catalog.untagResource(arn, op.query.getAll('tagKeys'));
  sendEmpty(op.res, 204, op.requestId);
}

/** GET /2017-03-31/tags/{Resource} */
export async function listTags(ctx: ApiContext, op: OperationRequest, _name: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const arn = taggedFunction(ctx, labels.Resource ?? '');
  const tags = await ctx.catalog.listTags(arn);
  sendJson(op.res, 200, { Tags: Object.fromEntries(tags.map((t) => [t.key, t.value])) }, op.requestId);
}

/** The unqualified ARN of an existing function (its tags are kept under it). */
function taggedFunction(ctx: ApiContext, resource: string): string {
  const m = FUNCTION_ARN.exec(resource);
  if (m === null) throw invalidParameter(`Stepwright tags Lambda functions only; ${resource} is not a function ARN.`);
  if (m[2] !== undefined) throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  if (lookup(ctx, m[1]) === undefined) throw functionNotFound(resource);
  return functionArn(ctx.identity, m[1]);
}
