import type { Json } from '../../language/json.js';
import { MAX_PAYLOAD_BYTES, type TaskState } from '../compile.js';
import { payloadDetails, errorDetails } from '../history.js';
import { argumentsOf, effectiveInput, finishState } from '../io.js';
import { resolveNumber } from '../numbers.js';
import type { Frame } from '../snapshot.js';
import { jsonPathScope, type Outcome, type StepContext } from '../step.js';
import { taskTimeoutKey } from '../effects.js';
import { encodeTaskToken } from '../task-token.js';

/** AWS's default Task timeout when none is given. */
const DEFAULT_TIMEOUT_SECONDS = 99999999;

/** How AWS names a resource in Task* events: `arn:aws:states:::lambda:invoke` → lambda / invoke. */
export function describeResource(resource: string): { resourceType: string; resource: string } {
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:(.+)$/.exec(resource);
  if (m) {
    const parts = m[1].split(':');
    if (parts[0] === 'aws-sdk' && parts.length >= 3) return { resourceType: `aws-sdk:${parts[1]}`, resource: parts.slice(2).join(':') };
    return { resourceType: parts[0], resource: parts.slice(1).join(':') };
  }
  const lambda = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:(.+)$/.exec(resource);
  if (lambda) return { resourceType: 'lambda', resource: resource };
  return { resourceType: 'unknown', resource };
}

function regionOf(ctx: StepContext): string {
  return ctx.snapshot.execution.stateMachineArn.split(':')[3] ?? 'us-east-1';
}

async function awaitAll<T>(v: T | Promise<T>): Promise<T> {
  return v;
}

const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[^:]+:\d{12}:activity:[^:]+$/;

/** An activity ARN as a Task's resource: workers take the task with GetActivityTask. */
export const isActivityArn = (resource: string): boolean => ACTIVITY_ARN.test(resource);

export function runTask(ctx: StepContext, frame: Frame, state: TaskState): Outcome | Promise<Outcome> {
  const raw = frame.input;
  // `.waitForTaskToken` tasks show their token as `$$.Task.Token`; activity tasks hand theirs to a
  // worker. Made here, it is stored with the attempt, so it outlives a restart of the server.
  const callback = state.resource.endsWith('.waitForTaskToken');
  const taskToken = callback || isActivityArn(state.resource) ? encodeTaskToken(ctx.snapshot.execution.arn, ctx.ids.uuid()) : undefined;
  const exposed = callback ? taskToken : undefined;
  if (state.queryLanguage === 'JSONata') {
    return argumentsOf(ctx, frame, state, raw, exposed).then((params) => schedule(ctx, frame, state, params, raw, taskToken, exposed));
  }
  const effective = effectiveInput(ctx, frame, state, raw);
  const params =
    state.parameters === undefined ? effective : state.parameters.evaluate(jsonPathScope(ctx, frame, state, effective, { taskToken: exposed }));
  return schedule(ctx, frame, state, params, effective, taskToken, exposed);
}

/** `taskToken` goes with the request; `callbackToken` (the same, for `.waitForTaskToken`) is what the task waits on. */
async function schedule(
  ctx: StepContext,
  frame: Frame,
  state: TaskState,
  parameters: Json,
  timeoutInput: Json,
  taskToken: string | undefined,
  callbackToken: string | undefined,
): Promise<Outcome> {
  const timeoutSeconds = state.timeout === undefined ? undefined : await awaitAll(resolveNumber(ctx, frame, state, state.timeout, timeoutInput, 'integer'));
  const heartbeatSeconds = state.heartbeat === undefined ? undefined : await awaitAll(resolveNumber(ctx, frame, state, state.heartbeat, timeoutInput, 'integer'));
  const described = describeResource(state.resource);
  const extra: Record<string, unknown> = { ...described, region: regionOf(ctx) };
  if (timeoutSeconds !== undefined) extra.timeoutInSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) extra.heartbeatInSeconds = heartbeatSeconds;
  const attempt = isLambdaFunctionArn(state.resource)
    ? ctx.history.emit(frame, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', lambdaScheduledDetails(state.resource, parameters, timeoutSeconds))
    : ctx.history.emit(frame, 'TaskScheduled', 'taskScheduledEventDetails', payloadDetails('parameters', parameters, extra));
  const heartbeatKey = heartbeatSeconds === undefined ? undefined : `heartbeat:${attempt}:0`;
  frame.wait = { kind: 'task', attempt, started: false, taskToken: callbackToken, heartbeatKey, heartbeatSeconds };
  ctx.effects.push({
    type: 'invokeTask',
    frameId: frame.id,
    attempt,
    request: {
      resource: state.resource,
      parameters,
      timeoutSeconds: timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      heartbeatSeconds,
      taskToken,
      executionArn: ctx.snapshot.execution.arn,
      stateName: state.name,
    },
  });
  ctx.effects.push({ type: 'startTimer', frameId: frame.id, key: taskTimeoutKey(attempt), dueAt: ctx.now + (timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000 });
  if (heartbeatKey !== undefined) ctx.effects.push({ type: 'startTimer', frameId: frame.id, key: heartbeatKey, dueAt: ctx.now + heartbeatSeconds! * 1000 });
  return { kind: 'wait' };
}

/** A Lambda function ARN as a Task's resource: AWS reports it with LambdaFunction* events. */
export function isLambdaFunctionArn(resource: string): boolean {
  return /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource);
}

function lambdaScheduledDetails(resource: string, input: Json, timeoutSeconds: number | undefined): { [k: string]: unknown } {
  const d = payloadDetails('input', input, { resource });
  if (timeoutSeconds !== undefined) d.timeoutInSeconds = timeoutSeconds;
  return d;
}

/** The name AWS gives a task in DataLimitExceeded causes: a Lambda ARN as written, else the service. */
function taskLabel(state: TaskState): string {
  return isLambdaFunctionArn(state.resource) ? state.resource : describeResource(state.resource).resourceType;
}

export function taskStarted(ctx: StepContext, frame: Frame, state: TaskState): void {
  if (isLambdaFunctionArn(state.resource)) ctx.history.emit(frame, 'LambdaFunctionStarted');
  else ctx.history.emit(frame, 'TaskStarted', 'taskStartedEventDetails', describeResource(state.resource));
}

/** A `.sync` integration submitted its job: TaskSubmitted with the submitting call's response. */
export function taskSubmitted(ctx: StepContext, frame: Frame, state: TaskState, output: Json): void {
  ctx.history.emit(frame, 'TaskSubmitted', 'taskSubmittedEventDetails', payloadDetails('output', output, describeResource(state.resource)));
}

export function taskSucceeded(ctx: StepContext, frame: Frame, state: TaskState, result: Json): Outcome | Promise<Outcome> {
  const text = JSON.stringify(result);
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    return taskFailed(ctx, frame, state, 'States.DataLimitExceeded', `The state/task '${taskLabel(state)}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }
  if (isLambdaFunctionArn(state.resource)) ctx.history.emit(frame, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', payloadDetails('output', result));
  else ctx.history.emit(frame, 'TaskSucceeded', 'taskSucceededEventDetails', payloadDetails('output', result, describeResource(state.resource)));
  const raw = frame.input;
  return Promise.resolve(finishState(ctx, frame, state, raw, result));
}

export function taskFailed(ctx: StepContext, frame: Frame, state: TaskState, error: string, cause: string): Outcome {
  if (isLambdaFunctionArn(state.resource)) ctx.history.emit(frame, 'LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', errorDetails(error, cause));
  else ctx.history.emit(frame, 'TaskFailed', 'taskFailedEventDetails', errorDetails(error, cause, describeResource(state.resource)));
  return { kind: 'fail', error, cause };
}

/** TimeoutSeconds or HeartbeatSeconds ran out: AWS reports both as timed out, with different errors. */
export function taskTimedOut(ctx: StepContext, frame: Frame, state: TaskState, error: 'States.Timeout' | 'States.HeartbeatTimeout' = 'States.Timeout'): Outcome {
  if (isLambdaFunctionArn(state.resource)) ctx.history.emit(frame, 'LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', errorDetails(error, undefined));
  else ctx.history.emit(frame, 'TaskTimedOut', 'taskTimedOutEventDetails', errorDetails(error, undefined, describeResource(state.resource)));
  return { kind: 'fail', error };
}
