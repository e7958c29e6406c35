import type { TaskMock } from '../integrations/mock.js';
import { isJsonObject, type Json, type JsonObject } from '../language/json.js';
import { ServiceError, validation } from './errors.js';
import { inputOf } from './executions.js';
import { validDefinition } from './machines.js';

/** TestState's `stateConfiguration`: what happened before the moment the state is tested at. */
export interface TestStateConfiguration {
  /** Retries the matching retrier already made (`$$.State.RetryCount`, the back-off, RETRIABLE or not). */
  readonly retrierRetryCount?: number;
  /** The state inside a mocked Map or Parallel the mocked error comes from. */
  readonly errorCausedByState?: string;
  /** Iterations of a mocked Map that failed: past ToleratedFailureCount/Percentage the Map fails. */
  readonly mapIterationFailureCount?: number;
  /** What a distributed Map's ItemReader would read (JSON text). */
  readonly mapItemReaderData?: string;
}

export interface TestStateInput {
  /** A state, or a whole state machine (stateName picks the state, else StartAt). */
  readonly definition: string;
  readonly stateName?: string;
  readonly roleArn?: string;
  /** JSON text (default `{}`). */
  readonly input?: string;
  readonly inspectionLevel?: string;
  readonly revealSecrets?: boolean;
  /** JSON object text: the workflow variables the state sees. */
  readonly variables?: string;
  /** Answers the Task (or the whole Map or Parallel) instead of calling its resource. */
  readonly mock?: TaskMock;
  /** JSON object text: the context object (`$$`) the state sees; only with a mock. */
  readonly context?: string;
  readonly stateConfiguration?: TestStateConfiguration;
}

/** A request checked as AWS checks it: the state to test, under its name, and the parsed payloads. */
export interface TestStateRequest {
  readonly name: string;
  readonly state: JsonObject;
  readonly type: string;
  /** The state's own QueryLanguage, else the machine's, else JSONPath. */
  readonly queryLanguage: 'JSONPath' | 'JSONata';
  /** The machine-level QueryLanguage to run under, when the definition is a whole machine. */
  readonly machineQueryLanguage?: Json;
  readonly input: Json;
  readonly variables: JsonObject;
  readonly context?: JsonObject;
  /** The mocked result, parsed (absent: the mock is an error, or there is no mock). */
  readonly mockResult?: Json;
}

/** The name a state given on its own is tested under. */
const SINGLE_STATE_NAME = 'TestState';

const TESTABLE = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice'];
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new ServiceError('InvalidDefinition', `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${what} is not valid JSON: ${(e as Error).message}'`);
  }
}

function parseObject(text: string, field: string): JsonObject {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    throw validation(`Invalid ${field}: the value is not valid JSON`);
  }
  if (!isJsonObject(value)) throw validation(`Invalid ${field}: the value must be a JSON object`);
  return value;
}

/** A Task whose pattern TestState runs only when mocked: activities, `.sync`, `.waitForTaskToken`. */
function needsMock(state: JsonObject): boolean {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  return resource.includes(':activity:') || /\.sync(:2)?$/.test(resource) || resource.endsWith('.waitForTaskToken');
}

/** Picks the state to test and checks the request with AWS's rules and words. */
export function checkTestStateRequest(input: TestStateInput): TestStateRequest {
  const parsed = parseJson(input.definition, 'definition');
  if (!isJsonObject(parsed)) throw new ServiceError('InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: definition must be a JSON object'");
  let name: string;
  let state: JsonObject;
  let machineQueryLanguage: Json | undefined;
  if (isJsonObject(parsed.States)) {
    // A whole state machine must be valid as a whole; stateName picks the state (else StartAt).
    validDefinition(input.definition, 'STANDARD');
    name = input.stateName ?? (parsed.StartAt as string);
    const picked = Object.prototype.hasOwnProperty.call(parsed.States, name) ? parsed.States[name] : undefined;
    if (!isJsonObject(picked)) throw validation('State not found in definition');
    state = picked;
    machineQueryLanguage = parsed.QueryLanguage;
  } else {
    if (input.stateName !== undefined) throw validation('State not found in definition');
    name = SINGLE_STATE_NAME;
    state = parsed;
  }
  const type = typeof state.Type === 'string' ? state.Type : '';
  const language = state.QueryLanguage ?? machineQueryLanguage;
  const queryLanguage = language === 'JSONata' ? 'JSONata' : 'JSONPath';
  const mock = input.mock;

  if (mock !== undefined) {
    if (type !== 'Task' && type !== 'Map' && type !== 'Parallel' && TESTABLE.includes(type)) throw validation(`State type '${type}' is not supported when a mock is specified`);
    if (mock.result !== undefined && mock.errorOutput !== undefined) throw validation('A test mock should have only one of the following fields: [result, errorOutput].');
    if (input.revealSecrets === true) throw validation('TestState does not support RevealSecrets when a mock is specified.');
  } else if (type === 'Map' || type === 'Parallel') {
    throw new ServiceError('InvalidDefinition', `TestState API does not support Map or Parallel states. Supported state types include: [${TESTABLE.join(', ')}]`);
  } else if (type === 'Task') {
    if (needsMock(state)) throw validation('TestState supports activity tasks and the .sync and .waitForTaskToken integration patterns only when a mock is specified');
    if (input.roleArn === undefined) throw validation('A roleArn is required to test a Task state without a mock');
  }

  let mockResult: Json | undefined;
  if (mock?.result !== undefined) {
    try {
      mockResult = JSON.parse(mock.result) as Json;
    } catch {
      throw validation('Mocked result must be valid JSON');
    }
    if (type === 'Map' && state.ResultWriter !== undefined && !isJsonObject(mockResult)) throw validation('Mocked result must be a JSON object.');
    if (type === 'Map' && state.ResultWriter === undefined && !Array.isArray(mockResult)) throw validation('Mocked result must be an array.');
    if (type === 'Parallel') {
      if (!Array.isArray(mockResult)) throw validation('Mocked result must be an array.');
      if (Array.isArray(state.Branches) && mockResult.length !== state.Branches.length) {
        throw validation('Mocked result must contain the same number of items as number of Parallel branches.');
      }
    }
  }
  if (mock?.errorOutput !== undefined && typeof mock.errorOutput.error !== 'string') throw validation('A mocked errorOutput must have an error');

  const variables = input.variables === undefined ? {} : parseObject(input.variables, 'variables');
  for (const v of Object.keys(variables)) if (!VARIABLE_NAME.test(v)) throw validation(`Invalid variables: '${v}' is not a valid variable name`);

  let context: JsonObject | undefined;
  if (input.context !== undefined) {
    if (mock === undefined) throw validation('The context field may only be specified if a mock is specified');
    context = parseObject(input.context, 'Context object provided');
    checkContext(context, state);
  }
  return { name, state, type, queryLanguage, machineQueryLanguage, input: inputOf(input.input ?? '{}'), variables, context, mockResult };
}

const CONTEXT_FIELDS: Record<string, readonly string[]> = {
  Execution: ['Id', 'Input', 'Name', 'RoleArn', 'StartTime', 'RedriveCount', 'RedriveTime'],
  State: ['EnteredTime', 'Name', 'RetryCount'],
  StateMachine: ['Id', 'Name'],
  Task: ['Token'],
};

/** The context object TestState accepts, with AWS's messages for the rest. */
function checkContext(context: JsonObject, state: JsonObject): void {
  const bad = (why: string): ServiceError => validation(`Invalid Context object provided: ${why}`);
  for (const [key, value] of Object.entries(context)) {
    if (key === 'Map') throw bad("'Map' field is not supported when mocking a Context object");
    const fields = CONTEXT_FIELDS[key];
    if (fields === undefined) throw bad(`Field '${key}' is not allowed`);
    if (!isJsonObject(value)) throw bad(`${key} must be an object`);
    for (const f of Object.keys(value)) if (!fields.includes(f)) throw bad(`Field '${f}' is not allowed`);
    for (const f of ['Id', 'Name', 'RoleArn', 'StartTime', 'EnteredTime', 'Token']) {
      if (value[f] !== undefined && typeof value[f] !== 'string') throw bad(`${key}.${f} must be a string`);
    }
  }
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  if (context.Task !== undefined && !(state.Type === 'Task' && (/\.sync(:2)?$/.test(resource) || resource.endsWith('.waitForTaskToken')))) {
    throw bad("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern");
  }
}
