import { isJsonObject, type Json, type JsonObject } from '../language/json.js';
import { compilePath, compileReferencePath, type CompiledPath, type CompiledReferencePath } from '../language/jsonpath/index.js';
import { compileTemplate, type CompiledTemplate } from '../language/template/index.js';
import { compileChoices, type CompiledChoices } from '../language/choice/index.js';
import { parseResourceArn, type ResourceArn } from '../language/resource-arn.js';
import { compileJsonataField, isJsonataExpression, jsonataExpressionText, type CompiledJsonataField } from '../language/jsonata/index.js';

/**
 * A definition compiled once for execution: every path, template, Choice rule and JSONata expression
 * is parsed here, so entering a state only evaluates. The definition must already be valid.
 */
export interface CompiledMachine {
  readonly definition: JsonObject;
  readonly timeoutSeconds?: number;
  /** States tables by scope key: '' is the top level; branches and Map processors get their own. */
  readonly scopes: ReadonlyMap<string, CompiledScope>;
}

export interface CompiledScope {
  readonly key: string;
  readonly startAt: string;
  readonly states: ReadonlyMap<string, CompiledState>;
}

export type QueryLanguage = 'JSONPath' | 'JSONata';

export interface CompiledRetrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitter: 'FULL' | 'NONE';
}

export interface CompiledCatcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  /** JSONPath: where the error output goes (undefined = "$"). */
  readonly resultPath?: CompiledReferencePath | null;
  /** JSONata: Output and Assign of the catcher. */
  readonly output?: CompiledJsonataField;
  readonly assignPath?: CompiledTemplate;
  readonly assignJsonata?: CompiledJsonataField;
}

/** A number given literally, by a JSONPath (`…Path`), or by a JSONata expression. */
export type NumberSource =
  | { readonly kind: 'literal'; readonly value: number }
  | { readonly kind: 'path'; readonly path: CompiledPath; readonly field: string }
  | { readonly kind: 'jsonata'; readonly expr: CompiledJsonataField; readonly field: string };

export interface CompiledStateBase {
  readonly name: string;
  readonly scope: string;
  readonly queryLanguage: QueryLanguage;
  readonly next?: string;
  readonly end: boolean;
  /** undefined = "$"; null = {} (InputPath: null). */
  readonly inputPath?: CompiledPath | null;
  readonly outputPath?: CompiledPath | null;
  readonly resultPath?: CompiledReferencePath | null;
  readonly parameters?: CompiledTemplate;
  readonly resultSelector?: CompiledTemplate;
  readonly arguments?: CompiledJsonataField;
  readonly output?: CompiledJsonataField;
  /** Assign: a payload template in JSONPath states, `{% %}` values in JSONata states. */
  readonly assignPath?: CompiledTemplate;
  readonly assignJsonata?: CompiledJsonataField;
  readonly retry: readonly CompiledRetrier[];
  readonly catch: readonly CompiledCatcher[];
  /** The state `next` names, linked after the scope is compiled (saves the table lookups of a transition). */
  following?: CompiledState;
  /** The state this one last went to other than `following` (a Choice's branch, a Catch): a cache. */
  lastJump?: CompiledState;
  /** Its history event types, e.g. PassStateEntered / PassStateExited. */
  readonly enteredType: string;
  readonly exitedType: string;
}

export interface PassState extends CompiledStateBase {
  readonly type: 'Pass';
  readonly result?: Json;
  /** A literal Result over AWS's payload limit fails every time the state runs. */
  readonly resultTooLarge: boolean;
}
export interface TaskState extends CompiledStateBase {
  readonly type: 'Task';
  readonly resource: string;
  /** `resource` parsed once: history events name it, dispatch and tokens depend on its kind. */
  readonly arn: ResourceArn;
  readonly timeout?: NumberSource;
  readonly heartbeat?: NumberSource;
}
export interface ChoiceState extends CompiledStateBase {
  readonly type: 'Choice';
  readonly choices?: CompiledChoices;
  readonly conditions?: readonly { readonly condition: CompiledJsonataField; readonly next: string; readonly output?: CompiledJsonataField; readonly assign?: CompiledJsonataField }[];
  /** JSONPath choice rules may carry their own Assign (variables), by rule index. */
  readonly ruleAssign?: ReadonlyMap<number, CompiledTemplate>;
  readonly ruleNext?: readonly string[];
  readonly default?: string;
}
export interface WaitState extends CompiledStateBase {
  readonly type: 'Wait';
  readonly seconds?: NumberSource;
  readonly timestamp?:
    | { readonly kind: 'literal'; readonly value: string }
    | { readonly kind: 'path'; readonly path: CompiledPath }
    | { readonly kind: 'jsonata'; readonly expr: CompiledJsonataField };
}
export interface SucceedState extends CompiledStateBase {
  readonly type: 'Succeed';
}
export interface FailState extends CompiledStateBase {
  readonly type: 'Fail';
  readonly error?: string;
  readonly cause?: string;
  readonly errorPath?: CompiledPath | CompiledTemplate;
  readonly causePath?: CompiledPath | CompiledTemplate;
  readonly errorExpr?: CompiledJsonataField;
  readonly causeExpr?: CompiledJsonataField;
}
export interface ParallelState extends CompiledStateBase {
  readonly type: 'Parallel';
  readonly branches: readonly string[];
}
export interface MapState extends CompiledStateBase {
  readonly type: 'Map';
  readonly processor: string;
  /** ProcessorConfig.Mode DISTRIBUTED: iterations are child executions, reported as one Map Run. */
  readonly distributed: boolean;
  /** ProcessorConfig.ExecutionType EXPRESS: the child executions keep no history and are not listed (as on AWS). */
  readonly expressChildren: boolean;
  /** Names the Map Run (`Label`, else the state's name). */
  readonly label: string;
  readonly itemsPath?: CompiledPath;
  readonly items?: CompiledJsonataField;
  /** The Items expression's text, for AWS's causes. */
  readonly itemsText?: string;
  readonly itemSelector?: CompiledTemplate | CompiledJsonataField;
  readonly maxConcurrency?: NumberSource;
  readonly toleratedFailureCount?: NumberSource;
  readonly toleratedFailurePercentage?: NumberSource;
  readonly itemReader?: CompiledItemReader;
  readonly itemBatcher?: CompiledItemBatcher;
  readonly resultWriter?: CompiledResultWriter;
}

/** A payload a Map's ItemReader, ItemBatcher or ResultWriter evaluates: a template (JSONPath) or `{% %}` values (JSONata). */
export type CompiledPayload = CompiledTemplate | CompiledJsonataField;

/** ItemReader: where the items come from (an S3 object or listing, a local file) and how they are parsed. */
export interface CompiledItemReader {
  readonly resource: string;
  readonly parameters?: CompiledPayload;
  /** ReaderConfig without MaxItems/MaxItemsPath, which are resolved per run (`maxItems`). */
  readonly readerConfig: JsonObject;
  readonly maxItems?: NumberSource;
}

/** ItemBatcher: iterations get `{ BatchInput?, Items: [...] }` instead of one item each. */
export interface CompiledItemBatcher {
  readonly maxItemsPerBatch?: NumberSource;
  readonly maxInputBytesPerBatch?: NumberSource;
  readonly batchInput?: CompiledPayload;
}

/** ResultWriter: the Map's results go to S3 (or a local folder) instead of its output. */
export interface CompiledResultWriter {
  readonly resource?: string;
  readonly parameters?: CompiledPayload;
  readonly writerConfig?: JsonObject;
}

export type CompiledState = PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

/** AWS's limit on state input, output and results: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

const str = (o: JsonObject, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const num = (o: JsonObject, k: string): number | undefined => (typeof o[k] === 'number' ? (o[k] as number) : undefined);
const has = (o: JsonObject, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function optionalPath(o: JsonObject, k: string): CompiledPath | null | undefined {
  if (!has(o, k)) return undefined;
  const v = o[k];
  return v === null ? null : compilePath(v as string);
}

function numberSource(o: JsonObject, field: string, language: QueryLanguage): NumberSource | undefined {
  const v = o[field];
  if (has(o, field)) {
    if (typeof v === 'number') return { kind: 'literal', value: v };
    if (language === 'JSONata' && typeof v === 'string') return { kind: 'jsonata', expr: compileJsonataField(v, field), field };
  }
  const p = str(o, `${field}Path`);
  if (p !== undefined) return { kind: 'path', path: compilePath(p), field: `${field}Path` };
  return undefined;
}

/** Parameters (JSONPath) or Arguments (JSONata) of an ItemReader or ResultWriter. */
function integrationPayload(o: JsonObject, language: QueryLanguage): CompiledPayload | undefined {
  if (language === 'JSONata') return has(o, 'Arguments') ? compileJsonataField(o.Arguments, 'Arguments') : undefined;
  return isJsonObject(o.Parameters) ? compileTemplate(o.Parameters, 'Parameters') : undefined;
}

function compileItemReader(o: JsonObject, language: QueryLanguage): CompiledItemReader {
  const config = isJsonObject(o.ReaderConfig) ? o.ReaderConfig : {};
  const readerConfig: JsonObject = {};
  for (const [k, v] of Object.entries(config)) if (k !== 'MaxItems' && k !== 'MaxItemsPath') readerConfig[k] = v;
  return { resource: str(o, 'Resource') ?? '', parameters: integrationPayload(o, language), readerConfig, maxItems: numberSource(config, 'MaxItems', language) };
}

function compileItemBatcher(o: JsonObject, language: QueryLanguage): CompiledItemBatcher {
  return {
    maxItemsPerBatch: numberSource(o, 'MaxItemsPerBatch', language),
    maxInputBytesPerBatch: numberSource(o, 'MaxInputBytesPerBatch', language),
    batchInput: !has(o, 'BatchInput') ? undefined : language === 'JSONata' ? compileJsonataField(o.BatchInput, 'BatchInput') : compileTemplate(o.BatchInput, 'BatchInput'),
  };
}

function compileResultWriter(o: JsonObject, language: QueryLanguage): CompiledResultWriter {
  return { resource: str(o, 'Resource'), parameters: integrationPayload(o, language), writerConfig: isJsonObject(o.WriterConfig) ? o.WriterConfig : undefined };
}

function compileRetriers(o: JsonObject): CompiledRetrier[] {
  const list = Array.isArray(o.Retry) ? o.Retry : [];
  return list.filter(isJsonObject).map((r) => ({
    errorEquals: (r.ErrorEquals as string[]) ?? [],
    intervalSeconds: num(r, 'IntervalSeconds') ?? 1,
    maxAttempts: num(r, 'MaxAttempts') ?? 3,
    backoffRate: num(r, 'BackoffRate') ?? 2,
    maxDelaySeconds: num(r, 'MaxDelaySeconds'),
    jitter: r.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
  }));
}

function compileCatchers(o: JsonObject, language: QueryLanguage): CompiledCatcher[] {
  const list = Array.isArray(o.Catch) ? o.Catch : [];
  return list.filter(isJsonObject).map((c) => {
    const base = { errorEquals: (c.ErrorEquals as string[]) ?? [], next: c.Next as string };
    if (language === 'JSONata') {
      return {
        ...base,
        output: has(c, 'Output') ? compileJsonataField(c.Output, 'Output') : undefined,
        assignJsonata: has(c, 'Assign') ? compileJsonataField(c.Assign, 'Assign') : undefined,
      };
    }
    return {
      ...base,
      resultPath: has(c, 'ResultPath') ? (c.ResultPath === null ? null : compileReferencePath(c.ResultPath as string)) : undefined,
      assignPath: has(c, 'Assign') ? compileTemplate(c.Assign, 'Assign') : undefined,
    };
  });
}

export function compileMachine(definition: JsonObject): CompiledMachine {
  const scopes = new Map<string, CompiledScope>();
  const topLanguage: QueryLanguage = definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  compileScope(definition, '', topLanguage, scopes);
  return { definition, timeoutSeconds: num(definition, 'TimeoutSeconds'), scopes };
}

function compileScope(machine: JsonObject, key: string, inherited: QueryLanguage, scopes: Map<string, CompiledScope>): void {
  const language: QueryLanguage =
    machine.QueryLanguage === 'JSONata' ? 'JSONata' : machine.QueryLanguage === 'JSONPath' ? 'JSONPath' : inherited;
  const states = new Map<string, CompiledState>();
  scopes.set(key, { key, startAt: machine.StartAt as string, states });
  const table = machine.States as JsonObject;
  for (const name of Object.keys(table)) {
    states.set(name, compileState(name, table[name] as JsonObject, key, language, scopes));
  }
  for (const state of states.values()) {
    if (state.next === undefined) continue;
    const following = states.get(state.next);
    state.following = following;
    // The table's own key string: comparing a frame's state name with it is then a pointer check.
    if (following !== undefined) (state as { next?: string }).next = following.name;
  }
}

/**
 * A compiled state of any type: every field any type has, set in one order by one constructor
 * (undefined where the type has none). V8 then gives all compiled states one hidden class and the
 * interpreter's reads of `state.…` stay monomorphic; built by per-type spreads, a 100-state machine
 * had dozens of classes and megamorphic loads were a fifth of a Pass chain's time.
 */
class UniformState {
  readonly name: unknown;
  readonly scope: unknown;
  readonly queryLanguage: unknown;
  readonly next: unknown;
  readonly end: unknown;
  readonly inputPath: unknown;
  readonly outputPath: unknown;
  readonly resultPath: unknown;
  readonly parameters: unknown;
  readonly resultSelector: unknown;
  readonly arguments: unknown;
  readonly output: unknown;
  readonly assignPath: unknown;
  readonly assignJsonata: unknown;
  readonly retry: unknown;
  readonly catch: unknown;
  following: unknown;
  lastJump: unknown;
  readonly enteredType: unknown;
  readonly exitedType: unknown;
  readonly type: unknown;
  readonly result: unknown;
  readonly resultTooLarge: unknown;
  readonly resource: unknown;
  readonly arn: unknown;
  readonly timeout: unknown;
  readonly heartbeat: unknown;
  readonly choices: unknown;
  readonly conditions: unknown;
  readonly ruleAssign: unknown;
  readonly ruleNext: unknown;
  readonly default: unknown;
  readonly seconds: unknown;
  readonly timestamp: unknown;
  readonly error: unknown;
  readonly cause: unknown;
  readonly errorPath: unknown;
  readonly causePath: unknown;
  readonly errorExpr: unknown;
  readonly causeExpr: unknown;
  readonly branches: unknown;
  readonly processor: unknown;
  readonly distributed: unknown;
  readonly expressChildren: unknown;
  readonly label: unknown;
  readonly itemsPath: unknown;
  readonly items: unknown;
  readonly itemsText: unknown;
  readonly itemSelector: unknown;
  readonly maxConcurrency: unknown;
  readonly toleratedFailureCount: unknown;
  readonly toleratedFailurePercentage: unknown;
  readonly itemReader: unknown;
  readonly itemBatcher: unknown;
  readonly resultWriter: unknown;

  constructor(f: Partial<Record<StateField, unknown>>) {
    this.name = f.name;
    this.scope = f.scope;
    this.queryLanguage = f.queryLanguage;
    this.next = f.next;
    this.end = f.end;
    this.inputPath = f.inputPath;
    this.outputPath = f.outputPath;
    this.resultPath = f.resultPath;
    this.parameters = f.parameters;
    this.resultSelector = f.resultSelector;
    this.arguments = f.arguments;
    this.output = f.output;
    this.assignPath = f.assignPath;
    this.assignJsonata = f.assignJsonata;
    this.retry = f.retry;
    this.catch = f.catch;
    this.following = f.following;
    this.lastJump = undefined;
    this.enteredType = f.enteredType;
    this.exitedType = f.exitedType;
    this.type = f.type;
    this.result = f.result;
    this.resultTooLarge = f.resultTooLarge;
    this.resource = f.resource;
    this.arn = f.arn;
    this.timeout = f.timeout;
    this.heartbeat = f.heartbeat;
    this.choices = f.choices;
    this.conditions = f.conditions;
    this.ruleAssign = f.ruleAssign;
    this.ruleNext = f.ruleNext;
    this.default = f.default;
    this.seconds = f.seconds;
    this.timestamp = f.timestamp;
    this.error = f.error;
    this.cause = f.cause;
    this.errorPath = f.errorPath;
    this.causePath = f.causePath;
    this.errorExpr = f.errorExpr;
    this.causeExpr = f.causeExpr;
    this.branches = f.branches;
    this.processor = f.processor;
    this.distributed = f.distributed;
    this.expressChildren = f.expressChildren;
    this.label = f.label;
    this.itemsPath = f.itemsPath;
    this.items = f.items;
    this.itemsText = f.itemsText;
    this.itemSelector = f.itemSelector;
    this.maxConcurrency = f.maxConcurrency;
    this.toleratedFailureCount = f.toleratedFailureCount;
    this.toleratedFailurePercentage = f.toleratedFailurePercentage;
    this.itemReader = f.itemReader;
    this.itemBatcher = f.itemBatcher;
    this.resultWriter = f.resultWriter;
  }
}

/** Every key of every state type (the class above must name them all: the compiler checks it). */
type StateField = CompiledState extends infer S ? (S extends CompiledState ? keyof S : never) : never;
type MissingFields = Exclude<StateField, keyof UniformState>;
const noMissingFields: [MissingFields] extends [never] ? true : MissingFields = true;
void noMissingFields;

/** The fields every compiled state has, in order (tests check that no compiled state has others). */
export const COMPILED_STATE_FIELDS: readonly string[] = Object.keys(new UniformState({}));

function compileState(name: string, o: JsonObject, scope: string, machineLanguage: QueryLanguage, scopes: Map<string, CompiledScope>): CompiledState {
  return new UniformState(compileStateFields(name, o, scope, machineLanguage, scopes)) as unknown as CompiledState;
}

function compileStateFields(
  name: string,
  o: JsonObject,
  scope: string,
  machineLanguage: QueryLanguage,
  scopes: Map<string, CompiledScope>,
): CompiledState {
  const language: QueryLanguage =
    o.QueryLanguage === 'JSONata' ? 'JSONata' : o.QueryLanguage === 'JSONPath' ? 'JSONPath' : machineLanguage;
  const jsonata = language === 'JSONata';
  const base: CompiledStateBase = {
    name,
    scope,
    queryLanguage: language,
    next: str(o, 'Next'),
    end: o.End === true,
    inputPath: jsonata ? undefined : optionalPath(o, 'InputPath'),
    outputPath: jsonata ? undefined : optionalPath(o, 'OutputPath'),
    resultPath: jsonata || !has(o, 'ResultPath') ? undefined : o.ResultPath === null ? null : compileReferencePath(o.ResultPath as string),
    parameters: !jsonata && has(o, 'Parameters') ? compileTemplate(o.Parameters, 'Parameters') : undefined,
    resultSelector: !jsonata && has(o, 'ResultSelector') ? compileTemplate(o.ResultSelector, 'ResultSelector') : undefined,
    arguments: jsonata && has(o, 'Arguments') ? compileJsonataField(o.Arguments, 'Arguments') : undefined,
    output: jsonata && has(o, 'Output') ? compileJsonataField(o.Output, 'Output') : undefined,
    assignPath: !jsonata && has(o, 'Assign') ? compileTemplate(o.Assign, 'Assign') : undefined,
    assignJsonata: jsonata && has(o, 'Assign') ? compileJsonataField(o.Assign, 'Assign') : undefined,
    retry: compileRetriers(o),
    catch: compileCatchers(o, language),
    following: undefined,
    enteredType: `${String(o.Type)}StateEntered`,
    exitedType: `${String(o.Type)}StateExited`,
  };
  switch (o.Type) {
    case 'Pass':
      return {
        ...base,
        type: 'Pass',
        result: has(o, 'Result') ? o.Result : undefined,
        resultTooLarge: has(o, 'Result') && Buffer.byteLength(JSON.stringify(o.Result), 'utf8') > MAX_PAYLOAD_BYTES,
      };
    case 'Task':
      return {
        ...base,
        type: 'Task',
        resource: o.Resource as string,
        arn: parseResourceArn(o.Resource as string),
        timeout: numberSource(o, 'TimeoutSeconds', language),
        heartbeat: numberSource(o, 'HeartbeatSeconds', language),
      };
    case 'Choice': {
      const rules = (Array.isArray(o.Choices) ? o.Choices : []).filter(isJsonObject);
      if (jsonata) {
        return {
          ...base,
          type: 'Choice',
          default: str(o, 'Default'),
          conditions: rules.map((r) => ({
            condition: compileJsonataField(r.Condition, 'Condition'),
            next: r.Next as string,
            output: has(r, 'Output') ? compileJsonataField(r.Output, 'Output') : undefined,
            assign: has(r, 'Assign') ? compileJsonataField(r.Assign, 'Assign') : undefined,
          })),
        };
      }
      const ruleAssign = new Map<number, CompiledTemplate>();
      rules.forEach((r, i) => {
        if (has(r, 'Assign')) ruleAssign.set(i, compileTemplate(r.Assign, 'Assign'));
      });
      return { ...base, type: 'Choice', default: str(o, 'Default'), choices: compileChoices(rules), ruleAssign, ruleNext: rules.map((r) => r.Next as string) };
    }
    case 'Wait': {
      let timestamp: WaitState['timestamp'];
      if (typeof o.Timestamp === 'string') {
        timestamp = jsonata ? { kind: 'jsonata', expr: compileJsonataField(o.Timestamp, 'Timestamp') } : { kind: 'literal', value: o.Timestamp };
      } else if (typeof o.TimestampPath === 'string') {
        timestamp = { kind: 'path', path: compilePath(o.TimestampPath) };
      }
      return { ...base, type: 'Wait', seconds: numberSource(o, 'Seconds', language), timestamp };
    }
    case 'Succeed':
      return { ...base, type: 'Succeed' };
    case 'Fail': {
      const pathOrIntrinsic = (k: string): CompiledPath | CompiledTemplate | undefined => {
        const v = str(o, k);
        if (v === undefined) return undefined;
        return v.startsWith('States.') ? compileTemplate({ [`${k}.$`]: v }, k) : compilePath(v);
      };
      return {
        ...base,
        type: 'Fail',
        error: jsonata ? undefined : str(o, 'Error'),
        cause: jsonata ? undefined : str(o, 'Cause'),
        errorPath: pathOrIntrinsic('ErrorPath'),
        causePath: pathOrIntrinsic('CausePath'),
        errorExpr: jsonata && has(o, 'Error') ? compileJsonataField(o.Error, 'Error') : undefined,
        causeExpr: jsonata && has(o, 'Cause') ? compileJsonataField(o.Cause, 'Cause') : undefined,
      };
    }
    case 'Parallel': {
      const branches = (o.Branches as JsonObject[]).map((b, i) => {
        const key = `${scope}/${name}#${i}`;
        // Branches take the machine's query language, not the Parallel state's (as AWS validates them).
        compileScope(b, key, machineLanguage, scopes);
        return key;
      });
      return { ...base, type: 'Parallel', branches };
    }
    case 'Map': {
      const key = `${scope}/${name}`;
      const processor = (isJsonObject(o.ItemProcessor) ? o.ItemProcessor : o.Iterator) as JsonObject;
      compileScope(processor, key, machineLanguage, scopes);
      const selector = has(o, 'ItemSelector') ? o.ItemSelector : has(o, 'Parameters') ? o.Parameters : undefined;
      return {
        ...base,
        // Map's legacy Parameters is the item selector, not a state-input template.
        parameters: undefined,
        type: 'Map',
        processor: key,
        distributed: isJsonObject(processor.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED',
        expressChildren: isJsonObject(processor.ProcessorConfig) && processor.ProcessorConfig.ExecutionType === 'EXPRESS',
        label: str(o, 'Label') ?? name,
        itemsPath: !jsonata && typeof o.ItemsPath === 'string' ? compilePath(o.ItemsPath) : undefined,
        items: jsonata && has(o, 'Items') ? compileJsonataField(o.Items, 'Items') : undefined,
        itemsText: typeof o.Items === 'string' && isJsonataExpression(o.Items) ? jsonataExpressionText(o.Items) : undefined,
        itemSelector:
          selector === undefined
            ? undefined
            : jsonata
              ? compileJsonataField(selector, 'ItemSelector')
              : compileTemplate(selector, has(o, 'ItemSelector') ? 'ItemSelector' : 'Parameters'),
        maxConcurrency: numberSource(o, 'MaxConcurrency', language),
        toleratedFailureCount: numberSource(o, 'ToleratedFailureCount', language),
        toleratedFailurePercentage: numberSource(o, 'ToleratedFailurePercentage', language),
        itemReader: isJsonObject(o.ItemReader) ? compileItemReader(o.ItemReader, language) : undefined,
        itemBatcher: isJsonObject(o.ItemBatcher) ? compileItemBatcher(o.ItemBatcher, language) : undefined,
        resultWriter: isJsonObject(o.ResultWriter) ? compileResultWriter(o.ResultWriter, language) : undefined,
      };
    }
    default:
      throw new Error(`unknown state type ${String(o.Type)} (the definition was not validated)`);
  }
}
