import { attemptNumber } from '../attempts.js';
import type { Json } from '../../language/json.js';
import { isPollableActivity, patternEnding, type ResourceArn } from '../../language/resource-arn.js';
import { MAX_PAYLOAD_BYTES, type TaskState } from '../compile.js';
import { payloadDetails, errorDetails } from '../history.js';
import { argumentsOf, effectiveInput, finishState } from '../io.js';
import { resolveNumber } from '../numbers.js';
import type { Frame } from '../snapshot.js';
import { jsonPathScope, type Outcome, type StepContext } from '../step.js';
import { taskTimeoutKey } from '../effects.js';
import { encodeTaskToken } from '../task-token.js';
import { StatesError } from '../../language/errors.js';

/** AWS's default Task timeout when none is given. */
const DEFAULT_TIMEOUT_SECONDS = 99999999;

/** How AWS names a resource in Task* events: `arn:aws:states:::lambda:invoke` → lambda / invoke. */
export function describeResource(arn: ResourceArn): { resourceType: string; resource: string } {
  switch (arn.kind) {
    case 'service':
      return { resourceType: arn.service, resource: arn.action + patternEnding(arn.pattern) };
    case 'awsSdk':
      return { resourceType: `aws-sdk:${arn.service}`, resource: arn.action + patternEnding(arn.pattern) };
    case 'activity':
      return { resourceType: 'activity', resource: arn.name };
    case 'lambdaFunction':
      return { resourceType: 'lambda', resource: arn.resource };
    case 'unknown':
      return { resourceType: 'unknown', resource: arn.resource };
  }
}

function regionOf(ctx: StepContext): string {
  return ctx.snapshot.execution.stateMachineArn.split(':')[3] ?? 'us-east-1';
}

async function awaitAll<T>(v: T | Promise<T>): Promise<T> {
  return v;
}

export function runTask(ctx: StepContext, frame: Frame, state: TaskState): Outcome | Promise<Outcome> {
  // AWS fails a task on an activity that does not exist at once, before scheduling it
  // (activities test_activity_task_on_deleted): States.Runtime, after the state was entered.
  if (isActivity(state) && ctx.ids.activityExists?.(state.resource) === false) throw new StatesError('States.Runtime', `The activity ${state.resource} does not exist.`);
  const raw = frame.input;
  // `.waitForTaskToken` tasks show their token as `$$.Task.Token`; activity tasks hand theirs to a
  // worker. Made here, it is stored with the attempt, so it outlives a restart of the server.
  const callback = state.arn.pattern === 'waitForTaskToken';
  const taskToken = callback || isPollableActivity(state.arn) ? encodeTaskToken(ctx.snapshot.execution.arn, ctx.ids.uuid()) : undefined;
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
  const described = describeResource(state.arn);
  const extra: Record<string, unknown> = { ...described, region: regionOf(ctx) };
  if (timeoutSeconds !== undefined) extra.timeoutInSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) extra.heartbeatInSeconds = heartbeatSeconds;
  const scheduled = isLambdaFunction(state)
    ? ctx.history.emit(frame, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', lambdaScheduledDetails(state.resource, parameters, timeoutSeconds))
    : isActivity(state)
      ? ctx.history.emit(frame, 'ActivityScheduled', 'activityScheduledEventDetails', activityScheduledDetails(state.resource, parameters, timeoutSeconds, heartbeatSeconds))
      : ctx.history.emit(frame, 'TaskScheduled', 'taskScheduledEventDetails', payloadDetails('parameters', parameters, extra));
  const attempt = attemptNumber(ctx, frame, scheduled);
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
const isLambdaFunction = (state: TaskState): boolean => state.arn.kind === 'lambdaFunction';

function lambdaScheduledDetails(resource: string, input: Json, timeoutSeconds: number | undefined): { [k: string]: unknown } {
  const d = payloadDetails('input', input, { resource });
  if (timeoutSeconds !== undefined) d.timeoutInSeconds = timeoutSeconds;
  return d;
}

/** An activity ARN workers poll: AWS reports it with Activity* events (ActivityScheduled, ActivityStarted …). */
export const isActivity = (state: TaskState): boolean => isPollableActivity(state.arn);

function activityScheduledDetails(resource: string, input: Json, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined): { [k: string]: unknown } {
  const d = payloadDetails('input', input, { resource });
  if (timeoutSeconds !== undefined) d.timeoutInSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) d.heartbeatInSeconds = heartbeatSeconds;
  return d;
}

/** Who took an activity task (GetActivityTask's workerName, when it gave one). */
export interface ActivityWorker {
  readonly workerName?: string;
}

/** The name AWS gives a task in DataLimitExceeded causes: a Lambda ARN as written, else the service. */
function taskLabel(state: TaskState): string {
  return isLambdaFunction(state) ? state.resource : describeResource(state.arn).resourceType;
}

export function taskStarted(ctx: StepContext, frame: Frame, state: TaskState, worker?: ActivityWorker): void {
  if (isLambdaFunction(state)) ctx.history.emit(frame, 'LambdaFunctionStarted');
  else if (isActivity(state)) ctx.history.emit(frame, 'ActivityStarted', 'activityStartedEventDetails', worker?.workerName === undefined ? {} : { workerName: worker.workerName });
  else ctx.history.emit(frame, 'TaskStarted', 'taskStartedEventDetails', describeResource(state.arn));
}

/** A `.sync` integration submitted its job: TaskSubmitted with the submitting call's response. */
export function taskSubmitted(ctx: StepContext, frame: Frame, state: TaskState, output: Json): void {
  ctx.history.emit(frame, 'TaskSubmitted', 'taskSubmittedEventDetails', payloadDetails('output', output, describeResource(state.arn)));
}

export function taskSucceeded(ctx: StepContext, frame: Frame, state: TaskState, result: Json): Outcome | Promise<Outcome> {
  const text = JSON.stringify(result);
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    return taskFailed(ctx, frame, state, 'States.DataLimitExceeded', `The state/task '${taskLabel(state)}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }
  if (isLambdaFunction(state)) ctx.history.emit(frame, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', payloadDetails('output', result));
  else if (isActivity(state)) ctx.history.emit(frame, 'ActivitySucceeded', 'activitySucceededEventDetails', payloadDetails('output', result));
  else ctx.history.emit(frame, 'TaskSucceeded', 'taskSucceededEventDetails', payloadDetails('output', result, describeResource(state.arn)));
  const raw = frame.input;
  return Promise.resolve(finishState(ctx, frame, state, raw, result));
}

export function taskFailed(ctx: StepContext, frame: Frame, state: TaskState, error: string | undefined, cause: string | undefined): Outcome {
  if (isLambdaFunction(state)) ctx.history.emit(frame, 'LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', errorDetails(error, cause));
  else if (isActivity(state)) ctx.history.emit(frame, 'ActivityFailed', 'activityFailedEventDetails', errorDetails(error, cause));
  else ctx.history.emit(frame, 'TaskFailed', 'taskFailedEventDetails', errorDetails(error, cause, describeResource(state.arn)));
  return { kind: 'fail', error, cause };
}

/**
 * TimeoutSeconds or HeartbeatSeconds ran out. AWS records both as States.Timeout
 * (timeouts/test_heartbeats.py: a heartbeat that never came is `TaskTimedOut` with States.Timeout,
 * and so is the execution's error); States.HeartbeatTimeout names a heartbeat timeout only in
 * Catch and Retry, where States.Timeout matches it too.
 */
export function taskTimedOut(ctx: StepContext, frame: Frame, state: TaskState, heartbeat = false): Outcome {
  const error = 'States.Timeout';
  if (isLambdaFunction(state)) ctx.history.emit(frame, 'LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', errorDetails(error, undefined));
  else if (isActivity(state)) ctx.history.emit(frame, 'ActivityTimedOut', 'activityTimedOutEventDetails', errorDetails(error, undefined));
  else ctx.history.emit(frame, 'TaskTimedOut', 'taskTimedOutEventDetails', errorDetails(error, undefined, describeResource(state.arn)));
  return heartbeat ? { kind: 'fail', error, caughtCause: '', alsoMatches: 'States.HeartbeatTimeout' } : { kind: 'fail', error, caughtCause: '' };
}
