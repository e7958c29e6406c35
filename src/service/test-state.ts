import { randomUUID } from 'node:crypto';
import { compileMachine, virtualClock, type CompiledRetrier, type CompiledState, type HistoryEvent, type TaskResources } from '../engine/index.js';
import { runExecution } from '../scheduler/in-memory.js';
import { createMockIntegration, type TaskMock } from '../integrations/mock.js';
import { createTaskRouter } from '../integrations/router.js';
import { isJsonObject, type Json, type JsonObject } from '../language/json.js';
import { defaultRoleArn, type ServiceDeps } from './context.js';
import { validation } from './errors.js';
import { validDefinition } from './machines.js';
import { assignedOf, inspectionDataOf, numberOf, type TestStateTrace } from './test-state-inspection.js';
import { buildTestStateMachine } from './test-state-machine.js';
import { checkTestStateRequest, type TestStateInput, type TestStateRequest } from './test-state-request.js';

export type { TestStateInput } from './test-state-request.js';

/** TestState runs for at most five minutes; then the state fails with States.Timeout, as on AWS. */
const MAX_TEST_MS = 5 * 60 * 1000;

/** Whether an ErrorEquals list takes an error, with the engine's rules (src/engine/retry.ts). */
function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === 'States.Runtime') return false;
  return errorEquals.some((e) => e === error || e === 'States.ALL' || (e === 'States.TaskFailed' && error !== 'States.Timeout' && error !== 'States.DataLimitExceeded'));
}

/** Seconds before the next retry: IntervalSeconds × BackoffRate^retries, capped by MaxDelaySeconds. */
function backoffSeconds(r: CompiledRetrier, retries: number): number {
  const delay = r.intervalSeconds * Math.pow(r.backoffRate, retries);
  return Math.round(r.maxDelaySeconds === undefined ? delay : Math.min(delay, r.maxDelaySeconds));
}

const detailsOf = (e: HistoryEvent): Record<string, unknown> | undefined => Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] as Record<string, unknown> | undefined;

/** A mocked Map whose failed iterations pass its tolerated threshold fails as AWS's Map would. */
function mapMock(state: CompiledState, req: TestStateRequest, mock: TaskMock, failures: number | undefined, trace: Pick<TestStateTrace, 'context' | 'variables'>): TaskMock {
  if (state.type !== 'Map' || failures === undefined || !Array.isArray(req.mockResult)) return mock;
  const scope = { ...trace, input: req.input, succeeded: false };
  const count = numberOf(state.toleratedFailureCount, req.input, scope);
  const percentage = numberOf(state.toleratedFailurePercentage, req.input, scope);
  // Recorded: with neither threshold set, failed iterations alone do not fail the mocked Map.
  const exceeded = (count !== undefined && failures > count) || (percentage !== undefined && req.mockResult.length > 0 && (failures / req.mockResult.length) * 100 > percentage);
  return exceeded ? { errorOutput: { error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' } } : mock;
}

/** The states inside a Map's processor or a Parallel's branches (errorCausedByState must name one). */
function innerStateNames(state: JsonObject): string[] {
  const scopes: Json[] = [state.ItemProcessor ?? null, state.Iterator ?? null, ...(Array.isArray(state.Branches) ? state.Branches : [])];
  const names: string[] = [];
  for (const s of scopes) if (isJsonObject(s) && isJsonObject(s.States)) for (const [n, inner] of Object.entries(s.States)) names.push(n, ...(isJsonObject(inner) ? innerStateNames(inner) : []));
  return names;
}

/**
 * TestState runs one state on its own, as AWS does: in a machine of its own where the states it
 * may go to are stand-ins, Retry left out (an error a retrier with attempts left takes answers
 * RETRIABLE), a Catch that takes the error answers CAUGHT_ERROR with the next state; `mock`
 * answers the Task (or the whole Map or Parallel) instead of calling the resource.
 */
export function createTestState(d: ServiceDeps) {
  return {
    async testState(input: TestStateInput): Promise<Record<string, unknown>> {
      const req = checkTestStateRequest(input);
      const config = input.stateConfiguration ?? {};
      if (config.errorCausedByState !== undefined && (req.type === 'Map' || req.type === 'Parallel') && !innerStateNames(req.state).includes(config.errorCausedByState)) {
        throw validation(`State '${config.errorCausedByState}' given as errorCausedByState does not exist in the ${req.type} state '${req.name}'`);
      }
      if (config.mapItemReaderData !== undefined) {
        try {
          JSON.parse(config.mapItemReaderData);
        } catch {
          throw validation('mapItemReaderData must be valid JSON');
        }
      }
      // The machine as written (Retry kept, nothing mocked) is what must be valid and what the inspection reads.
      const faithful = buildTestStateMachine(req, { mocked: false, keepRetry: true });
      validDefinition(JSON.stringify(faithful.definition), 'STANDARD');
      const state = compileMachine(faithful.definition).scopes.get('')!.states.get(req.name)!;
      const mocked = input.mock !== undefined;
      const run = buildTestStateMachine(req, { mocked, keepRetry: false });

      const ctx = req.context ?? {};
      const execution = isJsonObject(ctx.Execution ?? null) ? (ctx.Execution as JsonObject) : {};
      const machineInfo = isJsonObject(ctx.StateMachine ?? null) ? (ctx.StateMachine as JsonObject) : {};
      const execName = typeof execution.Name === 'string' ? execution.Name : randomUUID();
      const machineName = typeof machineInfo.Name === 'string' ? machineInfo.Name : `TestState-${randomUUID()}`;
      const roleArn = typeof execution.RoleArn === 'string' ? execution.RoleArn : (input.roleArn ?? defaultRoleArn(d.accountId));
      const startMs = typeof execution.StartTime === 'string' && !Number.isNaN(Date.parse(execution.StartTime)) ? Date.parse(execution.StartTime) : d.clock.now();
      const executionArn = typeof execution.Id === 'string' ? execution.Id : `arn:aws:states:${d.region}:${d.accountId}:express:${machineName}:${execName}`;
      const baseTrace = { input: req.input, variables: req.variables, context: contextOf(req, executionArn, execName, roleArn, `arn:aws:states:${d.region}:${d.accountId}:stateMachine:${machineName}`, machineName, startMs, config.retrierRetryCount ?? 0) };

      let resources: TaskResources | undefined = d.resources;
      if (input.mock !== undefined) resources = createTaskRouter([createMockIntegration(mapMock(state, req, input.mock, config.mapIterationFailureCount, baseTrace))]);
      // A mocked state does no I/O and a Wait only waits: both run on a clock that jumps, so a Wait of a day answers at once.
      const jumps = mocked || req.type === 'Wait';
      const clock = jumps ? virtualClock(startMs) : d.clock;
      const r = await runExecution(run.definition, {
        input: req.input,
        name: execName,
        stateMachineName: machineName,
        executionArn,
        roleArn,
        region: d.region,
        accountId: d.accountId,
        resources,
        clock,
        // On a clock that jumps, the five minutes would pass at the first Wait: only real time counts.
        ...(jumps ? {} : { maxDurationMs: MAX_TEST_MS }),
      });

      const events = r.events;
      const enteredAt = events.findIndex((e) => e.type.endsWith('StateEntered') && (e.stateEnteredEventDetails as { name?: string } | undefined)?.name === req.name);
      const after = events.slice(enteredAt + 1);
      const nextEntered = after.find((e) => e.type.endsWith('StateEntered'));
      const standIn = (nextEntered?.stateEnteredEventDetails as { name?: string } | undefined)?.name;
      const nextState = standIn === undefined ? undefined : run.standIns.get(standIn);
      const own = nextEntered === undefined ? after : after.slice(0, after.indexOf(nextEntered));
      // TaskScheduled / TaskSucceeded, or LambdaFunctionScheduled / …Succeeded for a Lambda resource.
      const scheduled = own.find((e) => e.type.endsWith('Scheduled'));
      const taskSucceeded = own.find((e) => e.type === 'TaskSucceeded' || e.type === 'LambdaFunctionSucceeded');
      const exited = own.find((e) => e.type.endsWith('StateExited'));
      const failure = [...own].reverse().find((e) => e.type !== 'ExecutionFailed' && typeof detailsOf(e)?.error === 'string');
      const failureDetails = failure === undefined ? undefined : (detailsOf(failure) as { error: string; cause?: string });
      const caught = standIn !== undefined && run.catchStandIns.has(standIn) && failureDetails !== undefined;

      const out: Record<string, unknown> = {};
      let error: { error: string; cause?: string } | undefined;
      if (r.status !== 'SUCCEEDED') error = { error: r.error ?? 'States.Timeout', ...(r.cause !== undefined ? { cause: r.cause } : {}) };
      else if (caught) error = failureDetails;
      const errorDetails: NonNullable<TestStateTrace['errorDetails']> = {};
      if (error !== undefined) {
        const retryIndex = state.retry.findIndex((x) => errorMatches(x.errorEquals, error.error));
        const retries = config.retrierRetryCount ?? 0;
        if (retryIndex >= 0) errorDetails.retryIndex = retryIndex;
        // Retriers come before catchers: an error a retrier with attempts left takes is RETRIABLE, whatever Catch says.
        if (retryIndex >= 0 && retries < state.retry[retryIndex].maxAttempts) {
          errorDetails.retryBackoffIntervalSeconds = backoffSeconds(state.retry[retryIndex], retries);
          out.status = 'RETRIABLE';
        } else if (caught) {
          out.status = 'CAUGHT_ERROR';
          errorDetails.catchIndex = state.catch.findIndex((c) => errorMatches(c.errorEquals, error.error));
        } else out.status = 'FAILED';
        out.error = error.error;
        if (error.cause !== undefined) out.cause = error.cause;
        if (out.status === 'CAUGHT_ERROR') {
          out.nextState = nextState;
          out.output = r.output;
        }
      } else {
        out.status = 'SUCCEEDED';
        out.output = r.output;
        if (nextState !== undefined) out.nextState = nextState;
      }

      const level = input.inspectionLevel ?? 'INFO';
      if (level !== 'INFO') {
        const succeededOutput = (taskSucceeded === undefined ? undefined : (detailsOf(taskSucceeded) as { output?: string } | undefined))?.output;
        const scheduledDetails = scheduled === undefined ? undefined : (detailsOf(scheduled) as { parameters?: string; input?: string } | undefined);
        const result = req.mockResult !== undefined && (req.type === 'Map' || req.type === 'Parallel') ? req.mockResult : succeededOutput === undefined ? undefined : (JSON.parse(succeededOutput) as Json);
        const trace: TestStateTrace = {
          ...baseTrace,
          scheduledParameters: scheduledDetails?.parameters ?? scheduledDetails?.input,
          result,
          succeeded: out.status === 'SUCCEEDED',
          assigned: assignedOf((exited?.stateExitedEventDetails as { assignedVariables?: unknown } | undefined)?.assignedVariables),
          ...(Object.keys(errorDetails).length > 0 ? { errorDetails } : {}),
        };
        out.inspectionData = inspectionDataOf(state, trace);
      }
      return out;
    },
  };
}

/** `$$` as the state sees it: the request's context object over what the run would make. */
function contextOf(req: TestStateRequest, arn: string, name: string, roleArn: string, machineArn: string, machineName: string, startMs: number, retryCount: number): Json {
  const given = req.context ?? {};
  const pick = (key: string): JsonObject => (isJsonObject(given[key] ?? null) ? (given[key] as JsonObject) : {});
  const start = new Date(startMs).toISOString();
  const state: JsonObject = { Name: req.name, EnteredTime: start };
  if (req.type === 'Task' || req.type === 'Map' || req.type === 'Parallel') state.RetryCount = retryCount;
  const context: JsonObject = {
    Execution: { Id: arn, Input: req.input, StartTime: start, Name: name, RoleArn: roleArn, ...pick('Execution') },
    StateMachine: { Id: machineArn, Name: machineName, ...pick('StateMachine') },
    State: { ...state, ...pick('State') },
  };
  if (given.Task !== undefined) context.Task = pick('Task');
  return context;
}
