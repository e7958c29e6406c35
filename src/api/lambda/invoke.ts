import type { IncomingMessage } from 'node:http';
import type { InvokeResult } from '../../functions/index.js';
import { resolveFunction, type ApiContext, type OperationRequest } from './api-context.js';
import { asServiceError, invalidRequestContent, LambdaApiError, validationError } from './errors.js';
import { sendEmpty } from './http-exchange.js';

/** Lambda's payload quotas: 6 MB for a synchronous invocation, 1 MB for an asynchronous one. */
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;
/** X-Amz-Log-Result carries the last 4 KB of the invocation's log. */
const LOG_TAIL_BYTES = 4096;

type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

/** POST /2015-03-31/functions/{FunctionName}/invocations */
export async function invoke(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const typeHeader = header(op, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(op, 'x-amz-log-type') ?? 'None';
  const problems: string[] = [];
  if (typeHeader !== 'RequestResponse' && typeHeader !== 'Event' && typeHeader !== 'DryRun') {
    problems.push(`Value '${typeHeader}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
  }
  if (logType !== 'None' && logType !== 'Tail') {
    problems.push(`Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`);
  }
  if (problems.length > 0) throw validationError(problems);
  const invocationType = typeHeader as InvocationType;

  const fn = await resolveFunction(ctx, reference, op.query.get('Qualifier'));
  if (fn instanceof LambdaApiError) throw fn;
  const name = fn.record.name;
  // The runtime routes an alias among its versions by weight; a version runs its own code.
  const target = { requestId: op.requestId, ...(fn.qualifier !== undefined ? { qualifier: fn.qualifier } : {}) };

  // An empty payload is the event {} (what Lambda hands the handler when none is sent).
  const payloadText = op.body.length === 0 ? '{}' : op.body.toString('utf8');
  try {
    JSON.parse(payloadText);
  } catch (e) {
    throw invalidRequestContent(`Could not parse request body into json: Could not parse payload into json: ${e instanceof Error ? e.message : String(e)}`);
  }

  // The payload text is all the invocation keeps: the body's bytes go back to the budget now.
  op.releaseBody();
  if (invocationType === 'DryRun') {
    sendEmpty(op.res, 204, op.requestId);
    return;
  }
  if (invocationType === 'Event') {
    // Lambda queues the event and answers 202 at once; the result is dropped (its log is kept by
    // the runtime), and a throttled event is simply not run here (AWS would retry it for hours).
    ctx.track(
      ctx.runtime.invoke(name, payloadText, target).then(
        (result) => {
          if (!result.ok) ctx.warn(`event invocation ${op.requestId} of ${name} failed: ${result.errorType}: ${result.errorMessage}`);
        },
        (e: unknown) => ctx.warn(`event invocation ${op.requestId} of ${name} was not run: ${e instanceof Error ? e.message : String(e)}`),
      ),
    );
    sendEmpty(op.res, 202, op.requestId);
    return;
  }

  let result: InvokeResult;
  try {
    result = await ctx.runtime.invoke(name, payloadText, target);
  } catch (e) {
    throw asServiceError(e) ?? e;
  }
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': result.executedVersion,
    'x-amzn-RequestId': result.requestId,
  };
  if (!result.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
  if (logType === 'Tail') {
    const log = Buffer.from(result.logs, 'utf8');
    headers['X-Amz-Log-Result'] = log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64');
  }
  const payload = Buffer.from(result.payload, 'utf8');
  headers['Content-Length'] = String(payload.length);
  op.res.writeHead(200, headers);
  op.res.end(payload);
}

/** The payload limit of an Invoke request, from its invocation type. */
export function invokeLimitBytes(req: IncomingMessage): number {
  return req.headers['x-amz-invocation-type'] === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
}

function header(op: OperationRequest, name: string): string | undefined {
  const value = op.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
