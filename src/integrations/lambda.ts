/**
 * Task states that call Lambda functions, served by our FunctionRuntime:
 * - `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` (the legacy form): the effective
 *   parameters are the event, the result is the function's payload;
 * - `arn:aws:states:::lambda:invoke` (the optimized integration): parameters `FunctionName` (name,
 *   `NAME:QUALIFIER`, partial `ACCOUNT:function:NAME` or full ARN), `Payload`, `InvocationType`,
 *   `LogType`, `Qualifier`; the result is Lambda's Invoke response as the Java SDK shows it to Step
 *   Functions (`ExecutedVersion`, `Payload`, `SdkHttpMetadata`, `SdkResponseMetadata`, `StatusCode`).
 * A function error becomes the state's error: Error = the body's errorType, Cause = the body text
 * (conformance cases error_handling/test_task_lambda.py and test_task_service_lambda.py).
 */
import crypto from 'node:crypto';
import { LambdaServiceError, requestIdForKey, type FunctionRuntime, type InvokeResult } from '../functions/index.js';
import type { Json, JsonObject } from '../language/json.js';
import { parseResourceArn, type ResourceArn } from '../language/resource-arn.js';
import { unknownResource, type Integration, type TaskInvocation, type TaskResult } from './contract.js';

export interface LambdaResourcesOptions {
  readonly region?: string;
  readonly accountId?: string;
}

const isOptimized = (arn: ResourceArn): boolean => arn.kind === 'service' && arn.service === 'lambda' && arn.action === 'invoke' && arn.pattern === 'requestResponse';

/** Whether the Lambda integration serves this Task resource (a function ARN is taken whatever its ending). */
export function isLambdaResource(arn: ResourceArn): boolean {
  return (arn.kind === 'lambdaFunction' && arn.functionName !== undefined) || isOptimized(arn);
}

/** A function reference as Invoke's FunctionName accepts it. */
export function parseFunctionName(ref: string): { name: string; qualifier?: string } | undefined {
  const full = parseResourceArn(ref);
  if (full.kind === 'lambdaFunction' && full.functionName !== undefined) return { name: full.functionName, ...(full.qualifier !== undefined ? { qualifier: full.qualifier } : {}) };
  const partial = /^(\d{12}):function:([^:]+)(?::([^:]+))?$/.exec(ref);
  if (partial) return { name: partial[2], ...(partial[3] !== undefined ? { qualifier: partial[3] } : {}) };
  const plain = /^([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(ref);
  if (plain) return { name: plain[1], ...(plain[2] !== undefined ? { qualifier: plain[2] } : {}) };
  return undefined;
}

export function createLambdaIntegration(runtime: FunctionRuntime, opts: LambdaResourcesOptions = {}): Integration {
  const region = opts.region ?? runtime.region;
  const accountId = opts.accountId ?? runtime.accountId;
  const arnOf = (name: string): string => `arn:aws:lambda:${region}:${accountId}:function:${name}`;

  async function call(
    name: string,
    qualifier: string | undefined,
    payloadText: string,
    requestId: string | undefined,
  ): Promise<InvokeResult | TaskResult> {
    try {
      // A qualifier is a version or an alias (`fn:live`): the runtime runs the version it names.
      return await runtime.invoke(name, payloadText, { ...(requestId === undefined ? {} : { requestId }), ...(qualifier === undefined ? {} : { qualifier }) });
    } catch (e) {
      if (e instanceof LambdaServiceError) {
        // Step Functions names the unqualified function with $LATEST in its message.
        const error =
          e.code === 'ResourceNotFoundException'
            ? new LambdaServiceError(e.code, `Function not found: ${arnOf(name)}:${qualifier ?? '$LATEST'}`, e.statusCode)
            : e;
        return serviceFailure(error);
      }
      throw e;
    }
  }

  async function invokeLegacy(request: TaskInvocation, functionName: string, qualifier: string | undefined): Promise<TaskResult> {
    const r = await call(functionName, qualifier, JSON.stringify(request.parameters), requestIdOf(request));
    if (!('requestId' in r)) return r;
    if (!r.ok) return functionFailure(r);
    // The engine checks the result against the 256 KiB state limit (States.DataLimitExceeded).
    return { ok: true, output: parsePayload(r.payload) };
  }

  async function invokeOptimized(request: TaskInvocation): Promise<TaskResult> {
    const params = request.parameters;
    if (
      params === null ||
      typeof params !== 'object' ||
      Array.isArray(params) ||
      typeof params.FunctionName !== 'string'
    ) {
      return {
        ok: false,
        error: 'States.Runtime',
        cause: "The field 'FunctionName' is required for the resource 'arn:aws:states:::lambda:invoke'.",
      };
    }
    const ref = parseFunctionName(params.FunctionName);
    if (ref === undefined) {
      return serviceFailure(
        new LambdaServiceError(
          'ValidationException',
          `1 validation error detected: Value '${params.FunctionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
          400,
        ),
      );
    }
    const qualifier = typeof params.Qualifier === 'string' ? params.Qualifier : ref.qualifier;
    const payloadText = payloadTextOf(params.Payload);
    const invocationType = typeof params.InvocationType === 'string' ? params.InvocationType : 'RequestResponse';
    if (invocationType === 'Event' || invocationType === 'DryRun') {
      const version = runtime.resolveVersion(ref.name, qualifier);
      if (version === undefined) {
        return serviceFailure(
          new LambdaServiceError('ResourceNotFoundException', `Function not found: ${arnOf(ref.name)}:${qualifier ?? '$LATEST'}`, 404),
        );
      }
      // Event: Lambda queues the invocation and answers 202 at once; a failure is not the state's.
      const requestId = requestIdOf(request) ?? crypto.randomUUID();
      if (invocationType === 'Event') void runtime.invoke(ref.name, payloadText, { requestId, qualifier: version }).catch(() => undefined);
      return {
        ok: true,
        output: invokeResponse(requestId, '', invocationType === 'Event' ? 202 : 204, undefined, version),
      };
    }
    const r = await call(ref.name, qualifier, payloadText, requestIdOf(request));
    if (!('requestId' in r)) return r;
    if (!r.ok) return functionFailure(r);
    const logResult = params.LogType === 'Tail' ? tailLog(r.logs) : undefined;
    return { ok: true, output: invokeResponse(r.requestId, r.payload, 200, logResult, r.executedVersion) };
  }

  return {
    serves: isLambdaResource,
    invoke(request: TaskInvocation): Promise<TaskResult> {
      const arn = request.arn;
      if (arn.kind === 'lambdaFunction' && arn.functionName !== undefined) return invokeLegacy(request, arn.functionName, arn.qualifier);
      if (isOptimized(arn)) return invokeOptimized(request);
      return Promise.resolve(unknownResource(request.resource));
    },
  };
}

/**
 * The request id of a durable dispatch: derived from the attempt's idempotency key, so that a
 * re-delivery after a crash shows the handler the same `context.awsRequestId`. Without a key (the
 * in-memory loop) Lambda's random id.
 */
function requestIdOf(request: TaskInvocation): string | undefined {
  const key = request.idempotencyKey;
  return key !== undefined && key !== '' ? requestIdForKey(key) : undefined;
}

/** Invoke's Payload: a JSON text string is sent as is; other JSON values are serialised; none is `{}`. */
function payloadTextOf(payload: Json | undefined): string {
  if (payload === undefined || payload === null) return '{}';
  if (typeof payload === 'string') return payload;
  return JSON.stringify(payload);
}

/** Step Functions parses the function's payload as JSON; a payload that is not JSON stays a string. */
function parsePayload(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function functionFailure(r: Extract<InvokeResult, { ok: false }>): TaskResult {
  // A body without an errorType (a runtime that died without a word) is Lambda.Unknown.
  const error = r.errorType !== undefined && r.errorType !== '' ? r.errorType : 'Lambda.Unknown';
  return { ok: false, error, cause: r.payload };
}

/** Service errors as the AWS Java SDK words them, prefixed `Lambda.` by Step Functions. */
function serviceFailure(e: LambdaServiceError): TaskResult {
  return {
    ok: false,
    error: `Lambda.${e.code}`,
    cause: `${e.message} (Service: AWSLambda; Status Code: ${e.statusCode}; Error Code: ${e.code}; Request ID: ${crypto.randomUUID()}; Proxy: null)`,
  };
}

/** Lambda's X-Amz-Log-Result: the last 4 KB of the invocation's log, base64. */
function tailLog(logs: string): string {
  const bytes = Buffer.from(logs, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}

function traceId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${seconds}-${crypto.randomBytes(12).toString('hex')};Parent=${crypto.randomBytes(8).toString('hex')};Sampled=0;Lineage=1:${crypto.randomBytes(4).toString('hex')}:0`;
}

/** The Invoke response as Step Functions' Java SDK client reports it (context_object/test_result_selector). */
function invokeResponse(
  requestId: string,
  payloadText: string,
  statusCode: number,
  logResult: string | undefined,
  executedVersion: string,
): JsonObject {
  const date = new Date().toUTCString();
  const length = String(Buffer.byteLength(payloadText, 'utf8'));
  const trace = traceId();
  const all: JsonObject = {
    ...(logResult !== undefined ? { 'X-Amz-Log-Result': [logResult] } : {}),
    'X-Amz-Executed-Version': [executedVersion],
    'x-amzn-Remapped-Content-Length': ['0'],
    Connection: ['keep-alive'],
    'x-amzn-RequestId': [requestId],
    'Content-Length': [length],
    Date: [date],
    'X-Amzn-Trace-Id': [trace],
    'Content-Type': ['application/json'],
  };
  const headers: JsonObject = {
    Connection: 'keep-alive',
    'Content-Length': length,
    'Content-Type': 'application/json',
    Date: date,
    'X-Amz-Executed-Version': executedVersion,
    ...(logResult !== undefined ? { 'X-Amz-Log-Result': logResult } : {}),
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': trace,
  };
  return {
    ExecutedVersion: executedVersion,
    ...(logResult !== undefined ? { LogResult: logResult } : {}),
    Payload: payloadText === '' ? '' : parsePayload(payloadText),
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: statusCode },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}
