import type { Json } from '../language/json.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/**
 * One event of an execution's history, shaped as GetExecutionHistory returns it: `type`, `id`,
 * `previousEventId`, `timestamp`, and one `<kind>EventDetails` object (e.g. `stateEnteredEventDetails`)
 * whose `input`/`output` are JSON texts, as AWS sends them.
 */
export interface HistoryEvent {
  readonly timestamp: Date;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly [details: `${string}EventDetails`]: { readonly [key: string]: unknown } | undefined;
}

/** A request to run a Task's resource (Lambda, callback, activity, nested execution …). */
export interface TaskRequest {
  readonly resource: string;
  /** The effective parameters (Parameters / Arguments evaluated), i.e. what AWS shows in TaskScheduled. */
  readonly parameters: Json;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** Set for `.waitForTaskToken` resources. */
  readonly taskToken?: string;
  readonly executionArn: string;
  readonly stateName: string;
  /** Set when a distributed Map reads its items: `resource` and `parameters` say where, this says how. */
  readonly itemReader?: ItemReaderRequest;
  /** Set when a distributed Map writes its results (ResultWriter): `parameters` say where. */
  readonly resultWriter?: ResultWriterRequest;
}

/** An ItemReader's ReaderConfig as given (InputType, CSVHeaderLocation, CSVHeaders …), MaxItems resolved. */
export interface ItemReaderRequest {
  readonly readerConfig: { readonly [key: string]: Json };
  /** ReaderConfig MaxItems / MaxItemsPath; absent or 0 = every item. */
  readonly maxItems?: number;
}

/** One iteration of a distributed Map (a child execution on AWS), as ResultWriter reports it. */
export interface MapRunChild {
  readonly index: number;
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  readonly input: Json;
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
}

/** What a ResultWriter writes: the Map Run and each of its iterations. */
export interface ResultWriterRequest {
  readonly mapRunArn: string;
  readonly writerConfig?: { readonly [key: string]: Json };
  readonly children: readonly MapRunChild[];
}


export type TaskResult =
  /**
   * `final`: the task's own result even for a `.waitForTaskToken` Task, whose result otherwise only
   * says the message went out (a mocked response answers the callback too).
   */
  | { readonly ok: true; readonly output: Json; readonly final?: true }
  | { readonly ok: false; readonly error: string; readonly cause: string };

/** What a resource may report before its result: a `.sync` integration has submitted its job, a worker took an activity task. */
export interface TaskProgress {
  /** AWS records TaskSubmitted with `output` (the submitting call's response), then waits for the job. */
  submitted(output: Json): void;
  /** A worker took the activity task with GetActivityTask: AWS records ActivityStarted with its workerName. */
  started?(workerName: string | undefined): void;
}

/** Serves Task states. Integrations (functions, callbacks, activities …) plug in here. */
export interface TaskResources {
  invoke(request: TaskRequest, progress?: TaskProgress): Promise<TaskResult>;
}

/** Time as the engine's caller sees it: the system clock in production, a virtual one in tests. */
export interface Clock {
  now(): number;
  /**
   * Resolves when `now()` has reached `epochMs`, or early when `signal` aborts. A virtual clock
   * jumps there at the next turn of the event loop.
   */
  sleepUntil(epochMs: number, signal?: AbortSignal): Promise<void>;
}
