import { createHash, randomUUID } from 'node:crypto';
import { isJsonObject, type Json } from '../language/json.js';
import { isAwsPartition, type IntegrationPattern, type ResourceArn } from '../language/resource-arn.js';
import {
  ExecutionRefusedError,
  ExecutionsUnavailableError,
  type ExecutionDescription,
  type ExecutionsPort,
  type Integration,
  type TaskInvocation,
  type TaskProgress,
  type TaskResult,
} from './contract.js';

/** `arn:aws:states:::states:startExecution`, `.sync` or `.sync:2`. */
export const isStartExecution = (arn: ResourceArn): boolean =>
  arn.kind === 'service' &&
  arn.service === 'states' &&
  arn.action === 'startExecution' &&
  (arn.pattern === 'requestResponse' || arn.pattern === 'sync' || arn.pattern === 'sync:2') &&
  isAwsPartition(arn.partition) &&
  arn.region === '' &&
  arn.accountId === '';

/** What the Java SDK inside Step Functions shows of the StartExecution HTTP response. */
function sdkMetadata(length: number): Json {
  const requestId = randomUUID();
  const date = new Date().toUTCString();
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: { 'x-amzn-RequestId': [requestId], connection: ['keep-alive'], 'Content-Length': [String(length)], Date: [date], 'Content-Type': ['application/x-amz-json-1.0'] },
      HttpHeaders: { connection: 'keep-alive', 'Content-Length': String(length), 'Content-Type': 'application/x-amz-json-1.0', Date: date, 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** DescribeExecution as `.sync` returns it (keys in AWS's order); `.sync:2` has Input and Output as JSON. */
function syncOutput(d: ExecutionDescription, parsed: boolean): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  if (d.cause !== undefined) out.Cause = d.cause;
  if (d.error !== undefined) out.Error = d.error;
  out.ExecutionArn = d.executionArn;
  out.Input = parsed ? (JSON.parse(d.input) as Json) : d.input;
  out.InputDetails = { Included: true };
  out.Name = d.name;
  if (d.output !== undefined) {
    out.Output = parsed ? (JSON.parse(d.output) as Json) : d.output;
    out.OutputDetails = { Included: true };
  }
  out.StartDate = d.startDate.getTime();
  out.StateMachineArn = d.stateMachineArn;
  out.Status = d.status;
  if (d.stopDate !== undefined) out.StopDate = d.stopDate.getTime();
  return out;
}

/**
 * Task states that start another execution (`arn:aws:states:::states:startExecution`): the plain
 * form answers with StartExecution's response, `.sync` waits for the child and answers with its
 * DescribeExecution (a child that does not succeed fails the task with States.TaskFailed and that
 * description as the cause), `.sync:2` the same with Input and Output as JSON.
 */
export function createStartExecutionIntegration(executions: ExecutionsPort): Integration {
  return { serves: isStartExecution, invoke: (invocation, progress) => startNestedExecution(executions, invocation, progress) };
}

async function startNestedExecution(executions: ExecutionsPort, request: TaskInvocation, progress?: TaskProgress): Promise<TaskResult> {
  const pattern = request.arn.pattern;
  const p = isJsonObject(request.parameters) ? request.parameters : {};
  // AWS starts the child with `{}` when Input is absent or null (callback/test_callback.py::test_start_execution_sync).
  const input = p.Input === undefined || p.Input === null ? '{}' : typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input);
  // Without a Name, one derived from the attempt's idempotency key: a dispatch repeated after a
  // restart finds the child it started before instead of starting a second one.
  const key = request.idempotencyKey;
  const derived = typeof p.Name !== 'string' && key !== undefined;
  const name = typeof p.Name === 'string' ? p.Name : derived ? createHash('sha256').update(key).digest('hex').slice(0, 32) : undefined;
  let started: { executionArn: string; startDate: Date };
  try {
    started = await executions.startExecution({ stateMachineArn: String(p.StateMachineArn), input, ...(name !== undefined ? { name } : {}) });
  } catch (e) {
    if (e instanceof ExecutionsUnavailableError) return { ok: false, error: 'States.Runtime', cause: e.message };
    if (!(e instanceof ExecutionRefusedError)) throw e;
    if (derived && e.code === 'ExecutionAlreadyExists' && e.resourceArn !== undefined) {
      const previous = await executions.describeExecution(e.resourceArn);
      started = { executionArn: previous.executionArn, startDate: previous.startDate };
      return finish(executions, pattern, started, progress);
    }
    // As the Java SDK reports a service error to Step Functions. Step Functions' error codes have no
    // `Exception` ending (AWS's guide retries on `StepFunctions.ExecutionLimitExceeded`).
    return {
      ok: false,
      error: `StepFunctions.${e.code}`,
      cause: `${e.message} (Service: AWSStepFunctions; Status Code: 400; Error Code: ${e.code}; Request ID: ${randomUUID()}; Proxy: null)`,
    };
  }
  return finish(executions, pattern, started, progress);
}

async function finish(executions: ExecutionsPort, pattern: IntegrationPattern, started: { executionArn: string; startDate: Date }, progress: TaskProgress | undefined): Promise<TaskResult> {
  // StartExecution's response: the plain form's result, and what `.sync` records as TaskSubmitted.
  const response: Json = { ExecutionArn: started.executionArn, ...(sdkMetadata(160) as object), StartDate: started.startDate.getTime() };
  if (pattern === 'requestResponse') return { ok: true, output: response };
  progress?.submitted(response);
  const done = await executions.awaitExecution(started.executionArn);
  const described = syncOutput(done, pattern === 'sync:2');
  if (done.status === 'SUCCEEDED') return { ok: true, output: described };
  return { ok: false, error: 'States.TaskFailed', cause: JSON.stringify(described) };
}
