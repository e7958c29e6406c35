/**
 * The Amazon States Language as TypeScript types: the JSON of a definition, field names exactly as
 * ASL spells them. Values that are a JSONPath, a payload template or a JSONata expression stay as
 * the strings/objects the author wrote; the engine compiles them once per definition.
 *
 * A definition that `loadDefinition` returns has passed `validateDefinition`, so these types hold
 * for it (the validator is what makes the casts honest).
 */
import type { Json, JsonObject } from './json.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';

export type StateType = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

export const STATE_TYPES: readonly StateType[] = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];

/** A `{% … %}` JSONata expression string (JSONata states only). */
export type JsonataText = string;

/** Fields every state may carry. */
interface StateBase {
  readonly Type: StateType;
  readonly Comment?: string;
  /** Absent: inherited from the top level (a Map or Parallel's own QueryLanguage is NOT inherited by its children). */
  readonly QueryLanguage?: QueryLanguage;
}

/** Fields of states that move on: exactly one of Next and End (End: true). */
interface Transition {
  readonly Next?: string;
  readonly End?: boolean;
}

/** JSONPath input/output processing. */
interface JsonPathIo {
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
}

/** JSONata output and variables. */
interface JsonataIo {
  readonly Output?: Json;
  readonly Assign?: JsonObject;
}

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
  readonly Comment?: string;
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
  readonly Output?: Json;
  readonly Assign?: JsonObject;
  readonly Comment?: string;
}

interface ErrorHandling {
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends StateBase, Transition, JsonPathIo, JsonataIo {
  readonly Type: 'Pass';
  readonly Result?: Json;
  readonly ResultPath?: string | null;
  readonly Parameters?: JsonObject;
}

export interface TaskCredentials {
  readonly RoleArn?: string;
  readonly 'RoleArn.$'?: string;
}

export interface TaskState extends StateBase, Transition, JsonPathIo, JsonataIo, ErrorHandling {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonObject | JsonataText;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
  /** A number, or in JSONata a `{% … %}` expression. */
  readonly TimeoutSeconds?: number | JsonataText;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number | JsonataText;
  readonly HeartbeatSecondsPath?: string;
  readonly Credentials?: TaskCredentials;
}

/** A JSONPath Choice rule: a comparison (Variable + one operator), or And/Or/Not. */
export interface ChoiceRule {
  readonly Variable?: string;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  /** The comparison operator and its operand, e.g. `StringEquals: "x"`, `NumericGreaterThanPath: "$.n"`. */
  readonly [operator: string]: Json | readonly ChoiceRule[] | ChoiceRule | undefined;
}

/** A top-level Choice rule: a rule plus Next (JSONPath), or Condition plus Next (JSONata). */
export type TopLevelChoiceRule = ChoiceRule & {
  readonly Next: string;
  readonly Condition?: boolean | JsonataText;
  readonly Comment?: string;
  readonly Assign?: JsonObject;
  readonly Output?: Json;
};

export interface ChoiceState extends StateBase, JsonPathIo, JsonataIo {
  readonly Type: 'Choice';
  readonly Choices: readonly TopLevelChoiceRule[];
  readonly Default?: string;
}

export interface WaitState extends StateBase, Transition, JsonPathIo, JsonataIo {
  readonly Type: 'Wait';
  readonly Seconds?: number | JsonataText;
  readonly Timestamp?: string;
  readonly SecondsPath?: string;
  readonly TimestampPath?: string;
}

export interface SucceedState extends StateBase, JsonPathIo {
  readonly Type: 'Succeed';
  readonly Output?: Json;
}

export interface FailState extends StateBase {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
}

/** A Parallel branch or a Map's ItemProcessor/Iterator: its own scope of states. */
export interface StateMachineScope {
  readonly StartAt: string;
  readonly States: { readonly [name: string]: State };
  readonly Comment?: string;
}

export interface ParallelState extends StateBase, Transition, JsonPathIo, JsonataIo, ErrorHandling {
  readonly Type: 'Parallel';
  readonly Branches: readonly StateMachineScope[];
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonObject | JsonataText;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
}

export type ProcessorMode = 'INLINE' | 'DISTRIBUTED';

export interface ItemProcessor extends StateMachineScope {
  readonly ProcessorConfig?: { readonly Mode?: ProcessorMode; readonly ExecutionType?: 'STANDARD' | 'EXPRESS' };
}

export interface ItemReader {
  readonly Resource: string;
  readonly ReaderConfig?: JsonObject;
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonObject | JsonataText;
}

export interface ItemBatcher {
  readonly MaxItemsPerBatch?: number | JsonataText;
  readonly MaxItemsPerBatchPath?: string;
  readonly MaxInputBytesPerBatch?: number | JsonataText;
  readonly MaxInputBytesPerBatchPath?: string;
  readonly BatchInput?: JsonObject;
}

export interface ResultWriter {
  readonly Resource?: string;
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonObject | JsonataText;
  readonly WriterConfig?: JsonObject;
}

export interface MapState extends StateBase, Transition, JsonPathIo, JsonataIo, ErrorHandling {
  readonly Type: 'Map';
  /** The current form; `Iterator` is the older spelling of the same thing (exactly one is present). */
  readonly ItemProcessor?: ItemProcessor;
  readonly Iterator?: ItemProcessor;
  readonly ItemsPath?: string;
  readonly Items?: Json;
  readonly ItemSelector?: JsonObject;
  /** The older spelling of ItemSelector. */
  readonly Parameters?: JsonObject;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
  readonly MaxConcurrency?: number | JsonataText;
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailureCount?: number | JsonataText;
  readonly ToleratedFailureCountPath?: string;
  readonly ToleratedFailurePercentage?: number | JsonataText;
  readonly ToleratedFailurePercentagePath?: string;
  readonly ItemReader?: ItemReader;
  readonly ItemBatcher?: ItemBatcher;
  readonly ResultWriter?: ResultWriter;
  readonly Label?: string;
}

export type State = PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

export interface StateMachineDefinition extends StateMachineScope {
  readonly QueryLanguage?: QueryLanguage;
  readonly Version?: string;
  readonly TimeoutSeconds?: number;
}

/** One problem found in a definition, as AWS's ValidateStateMachineDefinition reports it. */
export interface Diagnostic {
  /** AWS's diagnostic code, e.g. SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET. */
  readonly code: string;
  /**
   * Where, as AWS writes locations: a JSON-pointer-like path with array indices in brackets and
   * names unescaped (`/States/A/Catch[0]/Next`, `/States/P/Branches[1]/States/X`). The empty
   * string where AWS gives no location (MISSING_END_STATE, INVALID_JSON_DESCRIPTION).
   */
  readonly path: string;
  readonly message: string;
  readonly severity: 'ERROR' | 'WARNING';
}
