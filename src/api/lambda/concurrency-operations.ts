import type { ApiContext, OperationRequest } from './api-context.js';
import { resolveFunction } from './api-context.js';
import { invalidParameter, invalidRequestContent, LambdaApiError, resourceConflict, validationError } from './errors.js';
import { toRuntimeConfig, type FunctionRecord } from './function-record.js';
import { sendEmpty, sendJson } from './http-exchange.js';

/** Lambda's default account concurrency, of which 100 must stay unreserved. */
const ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED = 100;

/** PUT /2017-10-31/functions/{FunctionName}/concurrency */
export async function putFunctionConcurrency(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  let body: unknown;
  try {
    body = op.body.length === 0 ? {} : (JSON.parse(op.body.toString('utf8')) as unknown);
  } catch (e) {
    throw invalidRequestContent(`Could not parse request body into json: ${e instanceof Error ? e.message : String(e)}`);
  }
  const value = typeof body === 'object' && body !== null ? (body as { ReservedConcurrentExecutions?: unknown }).ReservedConcurrentExecutions : undefined;
  if (value === undefined || value === null) {
    throw validationError(["Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null"]);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidRequestContent('Could not parse request body into json: ReservedConcurrentExecutions must be an integer');
  if (value < 0) {
    throw validationError([`Value '${value}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`]);
  }
  const name = (await managed(ctx, reference)).name;
  const record = await ctx.withLock(name, async () => {
    const current = await managed(ctx, reference);
    const reservedElsewhere = ctx.store
      .list()
      .filter((r) => r.name !== name)
      .reduce((sum, r) => sum + (r.reservedConcurrency ?? 0), 0);
    if (reservedElsewhere + value > ACCOUNT_CONCURRENCY - MIN_UNRESERVED) {
      throw invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
      );
    }
    return save(ctx, { ...current, reservedConcurrency: value });
  });
  sendJson(op.res, 200, { ReservedConcurrentExecutions: record.reservedConcurrency }, op.requestId);
}

/** GET /2019-09-30/functions/{FunctionName}/concurrency */
export async function getFunctionConcurrency(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const fn = await resolveFunction(ctx, reference, null);
  if (fn instanceof LambdaApiError) throw fn;
  const reserved = fn.record.reservedConcurrency;
  sendJson(op.res, 200, reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved }, op.requestId);
}

/** DELETE /2017-10-31/functions/{FunctionName}/concurrency */
export async function deleteFunctionConcurrency(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const name = (await managed(ctx, reference)).name;
  await ctx.withLock(name, async () => {
    const { reservedConcurrency: _dropped, ...rest } = await managed(ctx, reference);
    await save(ctx, rest);
  });
  sendEmpty(op.res, 204, op.requestId);
}

async function managed(ctx: ApiContext, reference: string): Promise<FunctionRecord> {
  const fn = await resolveFunction(ctx, reference, null);
  if (fn instanceof LambdaApiError) throw fn;
  if (!fn.managed) throw resourceConflict(`Function ${fn.record.name} is defined in a functions folder; set reservedConcurrency in its function.json.`);
  return fn.record;
}

async function save(ctx: ApiContext, record: FunctionRecord): Promise<FunctionRecord> {
  ctx.runtime.register(toRuntimeConfig(record, ctx.store.codeDir(record)));
  await ctx.store.save(record);
  return record;
}
