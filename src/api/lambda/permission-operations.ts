import { randomUUID } from 'node:crypto';
import { resolveFunction, type ApiContext, type OperationRequest } from './api-context.js';
import { LambdaApiError, resourceConflict, resourceNotFound } from './errors.js';
import { functionArn, parseFunctionName } from './function-name.js';
import { sendEmpty, sendJson } from './http-exchange.js';
import { asBodyOrThrow, orThrow, readJson } from './operation-input.js';

/**
 * A function's resource-based policy (AddPermission, RemovePermission, GetPolicy): kept in the
 * store per function and qualifier, as the IAM policy document Lambda builds from each call.
 * Stepwright does not enforce it (nothing calls a function from another account here); tools
 * that set it up (SAM, CDK, Terraform, the Serverless Framework) find what they wrote.
 */

interface PolicyDocument {
  Version: string;
  Id: string;
  Statement: Record<string, unknown>[];
}

type Body = Readonly<Record<string, unknown>>;

/** POST /2015-03-31/functions/{FunctionName}/policy?Qualifier */
export async function addPermission(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const name = orThrow(parseFunctionName(reference)).name;
  const statement = await ctx.withLock(name, async () => {
    const { qualifier, resource } = await target(ctx, op, reference);
    const current = await ctx.catalog.getLambdaPolicy(name, qualifier);
    checkRevision(body, current?.revisionId);
    const doc: PolicyDocument = current === undefined ? { Version: '2012-10-17', Id: 'default', Statement: [] } : (JSON.parse(current.policy) as PolicyDocument);
    const sid = String(body.StatementId);
    if (doc.Statement.some((s) => s.Sid === sid)) {
      throw resourceConflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const added = statementOf(body, sid, resource);
    doc.Statement.push(added);
    await ctx.catalog.putLambdaPolicy(name, qualifier, { policy: JSON.stringify(doc), revisionId: randomUUID() });
    return added;
  });
  sendJson(op.res, 201, { Statement: JSON.stringify(statement) }, op.requestId);
}

/** DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}?Qualifier&RevisionId */
export async function removePermission(ctx: ApiContext, op: OperationRequest, reference: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const name = orThrow(parseFunctionName(reference)).name;
  const sid = labels.StatementId ?? '';
  await ctx.withLock(name, async () => {
    const { qualifier } = await target(ctx, op, reference);
    const current = await ctx.catalog.getLambdaPolicy(name, qualifier);
    const revisionId = op.query.get('RevisionId');
    checkRevision(revisionId === null ? {} : { RevisionId: revisionId }, current?.revisionId);
    const doc = current === undefined ? undefined : (JSON.parse(current.policy) as PolicyDocument);
    if (doc === undefined || !doc.Statement.some((s) => s.Sid === sid)) throw resourceNotFound(`Statement ${sid} is not found in resource policy.`);
    doc.Statement = doc.Statement.filter((s) => s.Sid !== sid);
    // The last statement gone, the function has no policy (GetPolicy answers ResourceNotFoundException).
    await ctx.catalog.putLambdaPolicy(name, qualifier, doc.Statement.length === 0 ? undefined : { policy: JSON.stringify(doc), revisionId: randomUUID() });
  });
  sendEmpty(op.res, 204, op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName}/policy?Qualifier */
export async function getPolicy(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const name = orThrow(parseFunctionName(reference)).name;
  const { qualifier } = await target(ctx, op, reference);
  const current = await ctx.catalog.getLambdaPolicy(name, qualifier);
  if (current === undefined) throw resourceNotFound('The resource you requested does not exist.');
  sendJson(op.res, 200, { Policy: current.policy, RevisionId: current.revisionId }, op.requestId);
}

/** The function (and qualifier: '' for none) a policy belongs to, and the ARN its statements name. */
async function target(ctx: ApiContext, op: OperationRequest, reference: string): Promise<{ qualifier: string; resource: string }> {
  const fn = orThrow(await resolveFunction(ctx, reference, op.query.get('Qualifier')));
  const qualifier = fn.qualifier ?? '';
  return { qualifier, resource: functionArn(ctx.identity, fn.record.name, qualifier === '' ? undefined : qualifier) };
}

function checkRevision(body: Body, current: string | undefined): void {
  if (typeof body.RevisionId === 'string' && body.RevisionId !== current) {
    throw new LambdaApiError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id');
  }
}

/** The statement Lambda writes for an AddPermission call. */
function statementOf(body: Body, sid: string, resource: string): Record<string, unknown> {
  const principal = String(body.Principal);
  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: unknown): void => {
    if (typeof value === 'string') (condition[operator] ??= {})[key] = value;
  };
  add('StringEquals', 'AWS:SourceAccount', body.SourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', body.PrincipalOrgID);
  add('StringEquals', 'lambda:EventSourceToken', body.EventSourceToken);
  add('StringEquals', 'lambda:FunctionUrlAuthType', body.FunctionUrlAuthType);
  add('ArnLike', 'AWS:SourceArn', body.SourceArn);
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(principal),
    Action: String(body.Action),
    Resource: resource,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

/** A service name, an account id, an ARN or `*`, as IAM writes each in a policy. */
function principalOf(principal: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}
