import { parseExecutionInput, type TaskResources } from '../../engine/index.js';
import { runExecution } from '../../scheduler/in-memory.js';
import { createMockIntegration, InvalidMockResultError, type TaskMock } from '../../integrations/mock.js';
import { createTaskRouter } from '../../integrations/router.js';
import { isJsonObject, type Json, type JsonObject } from '../../language/json.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import type { Operation } from './operations.js';
import { checkDefinition } from './state-machines.js';

/** The name the state runs under when TestState is given a single state. */
const DEFAULT_NAME = 'TestState';

function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${what} is not valid JSON: ${(e as Error).message}'`);
  }
}

/** Where the state may go next: Next, Default, the Choices' and the Catchers' Next. */
function targetsOf(state: JsonObject): { next: string[]; catchTargets: string[] } {
  const next: string[] = [];
  const catchTargets: string[] = [];
  if (typeof state.Next === 'string') next.push(state.Next);
  if (typeof state.Default === 'string') next.push(state.Default);
  if (Array.isArray(state.Choices)) for (const c of state.Choices) if (isJsonObject(c) && typeof c.Next === 'string') next.push(c.Next);
  if (Array.isArray(state.Catch)) for (const c of state.Catch) if (isJsonObject(c) && typeof c.Next === 'string') catchTargets.push(c.Next);
  return { next, catchTargets };
}

/** Whether a retrier or catcher's ErrorEquals takes `error` (States.ALL; States.TaskFailed takes non-States errors). */
function matches(list: Json, error: string): boolean {
  if (!Array.isArray(list)) return false;
  return list.some((e) => e === error || e === 'States.ALL' || (e === 'States.TaskFailed' && !error.startsWith('States.')));
}

/** Whether a retrier with attempts left (MaxAttempts other than 0) takes the error. */
function retries(retry: Json | undefined, error: string): boolean {
  return Array.isArray(retry) && retry.some((r) => isJsonObject(r) && r.MaxAttempts !== 0 && matches(r.ErrorEquals ?? null, error));
}

/**
 * TestState runs one state on its own, as AWS does: the state in a one-state machine whose
 * transitions lead to stand-ins, Retry left out (a retriable error answers RETRIABLE), a Catch
 * that takes the error answers CAUGHT_ERROR with the next state; `mock` answers the Task instead
 * of calling its resource.
 */
export function testStateOperations(b: SfnBackend): Record<string, Operation> {
  return awsErrors({
    async TestState(input) {
      const definitionText = input.definition as string;
      const parsed = parseJson(definitionText, 'definition');
      if (!isJsonObject(parsed)) throw new SfnApiError('InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: definition must be a JSON object'");
      let name = str(input.stateName) ?? DEFAULT_NAME;
      let state: JsonObject;
      let queryLanguage: Json | undefined;
      if (isJsonObject(parsed.States)) {
        // A whole state machine: it must be valid, and stateName picks the state (else StartAt).
        checkDefinition(definitionText, 'STANDARD');
        name = str(input.stateName) ?? (parsed.StartAt as string);
        const picked = parsed.States[name];
        if (!isJsonObject(picked)) throw new SfnApiError('ValidationException', `State '${name}' does not exist in the definition`);
        state = picked;
        queryLanguage = parsed.QueryLanguage;
      } else state = parsed;

      const { next, catchTargets } = targetsOf(state);
      const runnable: JsonObject = { ...state };
      delete runnable.Retry;
      const states: Record<string, Json> = { [name]: runnable };
      for (const t of [...next, ...catchTargets]) if (t !== name) states[t] = { Type: 'Pass', End: true, QueryLanguage: 'JSONPath' };
      const machine: JsonObject = { StartAt: name, States: states, ...(queryLanguage !== undefined ? { QueryLanguage: queryLanguage } : {}) };
      checkDefinition(JSON.stringify(machine), 'STANDARD');

      const inputText = str(input.input) ?? '{}';
      parseExecutionInput(inputText);
      const mock = isJsonObject(input.mock as Json) ? (input.mock as TaskMock) : undefined;
      const resources: TaskResources | undefined = mock === undefined ? b.resources : createTaskRouter([createMockIntegration(mock)]);
      const r = await runExecution(machine, { inputText, name: 'TestState', stateMachineName: 'TestState', region: b.region, accountId: b.accountId, resources }).catch((e: unknown) => {
        if (e instanceof InvalidMockResultError) throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: mock.result is not valid JSON: ${e.message}'`);
        throw e;
      });

      const events = r.events;
      const entered = events.filter((e) => e.type.endsWith('StateEntered')).map((e) => (e.stateEnteredEventDetails as { name?: string } | undefined)?.name);
      const nextState = entered.find((n, i) => i > 0 && n !== undefined && n !== name);
      const failure = [...events].reverse().find((e) => {
        const d = Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] as { error?: unknown } | undefined;
        return e.type !== 'ExecutionFailed' && typeof d?.error === 'string';
      });
      const failureDetails = failure === undefined ? undefined : (Object.entries(failure).find(([k]) => k.endsWith('EventDetails'))?.[1] as { error: string; cause?: string });
      const level = str(input.inspectionLevel) ?? 'INFO';
      const inspectionData = level === 'INFO' ? undefined : { input: inputText };
      const out: Record<string, unknown> = {};
      const caught = nextState !== undefined && catchTargets.includes(nextState) && failureDetails !== undefined;
      const error = r.status === 'FAILED' ? r.error : caught ? failureDetails.error : undefined;
      // Retriers come before catchers: an error a retrier takes is RETRIABLE, whatever Catch says.
      if (error !== undefined && retries(state.Retry, error)) {
        out.status = 'RETRIABLE';
        out.error = error;
        const cause = r.status === 'FAILED' ? r.cause : failureDetails?.cause;
        if (cause !== undefined) out.cause = cause;
      } else if (r.status === 'FAILED') {
        out.status = 'FAILED';
        if (r.error !== undefined) out.error = r.error;
        if (r.cause !== undefined) out.cause = r.cause;
      } else if (caught && nextState !== undefined && failureDetails !== undefined) {
        out.status = 'CAUGHT_ERROR';
        out.error = failureDetails.error;
        if (failureDetails.cause !== undefined) out.cause = failureDetails.cause;
        out.nextState = nextState;
        out.output = r.output;
      } else {
        out.status = 'SUCCEEDED';
        out.output = r.output;
        if (nextState !== undefined) out.nextState = nextState;
      }
      if (inspectionData !== undefined) out.inspectionData = inspectionData;
      return out;
    },
  });
}
