import type { Json } from '../language/json.js';
import { HISTORY_LIMIT_CAUSE } from './limits.js';
import type { Frame, Snapshot } from './snapshot.js';
import type { HistoryEvent } from './types.js';

/**
 * A JSON payload inside event details. AWS sends payloads as JSON text; the engine keeps the value
 * and serialises it only when the event is materialised, so a run whose history nobody reads never
 * pays for JSON.stringify.
 */
export class JsonPayload {
  constructor(readonly value: Json) {}
}

type Details = { [key: string]: unknown };

/** An event as the engine records it: details may hold JsonPayloads (top level or one level down). */
export interface HistoryRecord {
  readonly timestamp: number;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly detailsKey?: string;
  readonly details?: Details;
}

const NOT_TRUNCATED = Object.freeze({ truncated: false });

export function stateEnteredDetails(name: string, input: Json): Details {
  return { name, input: new JsonPayload(input), inputDetails: NOT_TRUNCATED };
}

export function stateExitedDetails(name: string, output: Json, assigned?: { [name: string]: Json }): Details {
  const d: Details = { name, output: new JsonPayload(output), outputDetails: NOT_TRUNCATED };
  if (assigned !== undefined) {
    const keys = Object.keys(assigned);
    if (keys.length > 0) {
      const vars: Details = {};
      for (const k of keys) vars[k] = new JsonPayload(assigned[k]);
      d.assignedVariables = vars;
      d.assignedVariablesDetails = NOT_TRUNCATED;
    }
  }
  return d;
}

export function inputDetails(input: Json, roleArn: string): Details {
  return { input: new JsonPayload(input), inputDetails: NOT_TRUNCATED, roleArn };
}

export function outputDetails(output: Json): Details {
  return { output: new JsonPayload(output), outputDetails: NOT_TRUNCATED };
}

export function payloadDetails(key: 'input' | 'output' | 'parameters', value: Json, extra?: Details): Details {
  const d: Details = { ...extra, [key]: new JsonPayload(value) };
  if (key !== 'parameters') d[`${key}Details`] = NOT_TRUNCATED;
  return d;
}

export function errorDetails(error: string | undefined, cause: string | undefined, extra?: Details): Details {
  const d: Details = { ...extra };
  if (error !== undefined) d.error = error;
  if (cause !== undefined) d.cause = cause;
  return d;
}

/**
 * JSON texts of payload objects already serialised, for one batch of events: payloads are immutable
 * and one state's output is the next one's input, so each object is serialised once however many
 * events carry it. Scoped to a batch (not a process-wide WeakMap, whose table outlived the objects
 * and slowed every garbage collection after a large history was read).
 */
export type PayloadTexts = Map<object, string>;

function materializeValue(v: unknown, texts: PayloadTexts | undefined): unknown {
  if (!(v instanceof JsonPayload)) return v;
  const value = v.value;
  if (value === null || typeof value !== 'object' || texts === undefined) return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** Events as GetExecutionHistory shows them, sharing the JSON text of payloads they have in common. */
export function materializeEvents(records: readonly HistoryRecord[], texts: PayloadTexts = new Map()): HistoryEvent[] {
  return records.map((r) => materializeEvent(r, texts));
}

/** The event as GetExecutionHistory shows it: payloads as JSON texts. */
export function materializeEvent(r: HistoryRecord, texts?: PayloadTexts): HistoryEvent {
  const event: Record<string, unknown> = { timestamp: new Date(r.timestamp), type: r.type, id: r.id, previousEventId: r.previousEventId };
  if (r.detailsKey !== undefined && r.details !== undefined) {
    const d: Details = {};
    for (const k of Object.keys(r.details)) {
      const v = r.details[k];
      if (v !== null && typeof v === 'object' && !(v instanceof JsonPayload) && k === 'assignedVariables') {
        const vars: Details = {};
        for (const name of Object.keys(v)) vars[name] = materializeValue((v as Details)[name], texts);
        d[k] = vars;
      } else {
        d[k] = materializeValue(v, texts);
      }
    }
    event[r.detailsKey] = d;
  }
  return event as unknown as HistoryEvent;
}

/**
 * A …StateEntered / …StateExited event as a HistoryRecord: its details object is built only when
 * something reads it.
 */
class StateEventRecord implements HistoryRecord {
  constructor(
    readonly timestamp: number,
    readonly type: string,
    readonly id: number,
    readonly previousEventId: number,
    private readonly exited: boolean,
    private readonly name: string,
    private readonly payload: Json,
    private readonly assigned: { [name: string]: Json } | undefined,
  ) {}

  get detailsKey(): string {
    return this.exited ? 'stateExitedEventDetails' : 'stateEnteredEventDetails';
  }

  get details(): Details {
    return this.exited ? stateExitedDetails(this.name, this.payload, this.assigned) : stateEnteredDetails(this.name, this.payload);
  }
}

/**
 * One visit of a state, the bulk of every history: its …StateEntered event and, when the state
 * exits before anything else is recorded (Pass, Choice, Succeed, and any state that fails over to
 * nothing), its …StateExited event too. One flat object where two events would take two: the
 * hot path of a Pass chain allocates and appends half as much. Read through `historyRecords`.
 */
export class StateVisit {
  exitType: string | undefined = undefined;
  output: Json = null;
  assigned: { [name: string]: Json } | undefined = undefined;

  constructor(
    /** Shared by the visits of one advance: a number field of its own would cost a heap number each. */
    private readonly stamp: { readonly at: number },
    readonly type: string,
    readonly id: number,
    readonly previousEventId: number,
    readonly name: string,
    readonly input: Json,
  ) {}

  /** Its events as records. */
  records(): HistoryRecord[] {
    const at = this.stamp.at;
    const entered = new StateEventRecord(at, this.type, this.id, this.previousEventId, false, this.name, this.input, undefined);
    if (this.exitType === undefined) return [entered];
    // Folded only when nothing came between: the exit follows the entry and links to it.
    return [entered, new StateEventRecord(at, this.exitType, this.id + 1, this.id, true, this.name, this.output, this.assigned)];
  }
}

/** What advances append to: event records, and state visits that stand for one or two events. */
export type HistoryLog = (HistoryRecord | StateVisit)[];

/** The events of `log[start, end)` as records, in order. */
export function historyRecords(log: readonly (HistoryRecord | StateVisit)[], start = 0, end = log.length): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (let i = start; i < end; i++) {
    const entry = log[i];
    if (entry instanceof StateVisit) for (const r of entry.records()) out.push(r);
    else out.push(entry);
  }
  return out;
}

/**
 * What one advance did to a child execution (a distributed Map iteration): its new events, and
 * when it started or ended in this advance, what its execution record says of that.
 */
export interface ChildExecutionChange {
  readonly arn: string;
  readonly records: HistoryRecord[];
  start?: { readonly mapRunArn: string; readonly stateMachineArn: string; readonly name: string; readonly input: Json };
  end?: { readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED'; readonly output?: Json; readonly error?: string; readonly cause?: string };
}

/** The events that end an execution: the last one may take the last id the history has. */
const ENDING_EVENTS: ReadonlySet<string> = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** Collects the history events of one advance and numbers them as AWS does. */
export class HistoryWriter {
  /** Where the entries of this advance start in `log`. */
  readonly start: number;
  private readonly stamp: { readonly at: number };
  /** The visit whose entered event is the last event recorded (an exit right after folds into it). */
  private open: StateVisit | undefined = undefined;

  /**
   * Set when this advance recorded the ExecutionFailed of the history limit: the execution has
   * ended, and every event after it is dropped (the advance then cleans up, see advance.ts).
   */
  limitReached = false;

  /** The child executions this advance wrote to, by ARN, in the order it first did. */
  readonly children = new Map<string, ChildExecutionChange>();

  constructor(
    private readonly snapshot: Snapshot,
    private readonly now: number,
    /** Appended to; a caller that keeps the whole history passes its own log (no copying). */
    readonly log: HistoryLog = [],
    /** The id of the last event allowed (AWS: 25,000); only an execution's end may take it. */
    private readonly maxEvents = Infinity,
  ) {
    this.start = log.length;
    this.stamp = { at: now };
  }

  /**
   * The next event id, or 0 when the event is not recorded: the history is full (the execution
   * fails in its place) or has already ended so. One comparison on the hot path.
   */
  private nextId(type: string): number {
    const id = this.snapshot.lastEventId + 1;
    if (id < this.maxEvents) return (this.snapshot.lastEventId = id);
    if (this.limitReached) return 0;
    if (id === this.maxEvents && ENDING_EVENTS.has(type)) return (this.snapshot.lastEventId = id);
    this.failOnLimit();
    return 0;
  }

  /** Records ExecutionFailed as the last event and ends the execution (AWS's history quota). */
  private failOnLimit(): void {
    const snapshot = this.snapshot;
    this.limitReached = true;
    this.open = undefined;
    const previousEventId = snapshot.lastEventId;
    const id = ++snapshot.lastEventId;
    snapshot.status = 'FAILED';
    snapshot.error = 'States.Runtime';
    snapshot.cause = HISTORY_LIMIT_CAUSE;
    this.log.push({ timestamp: this.now, type: 'ExecutionFailed', id, previousEventId, detailsKey: 'executionFailedEventDetails', details: errorDetails(snapshot.error, snapshot.cause) });
  }

  /**
   * Appends an event. Its previousEventId is the frame's source event; `advance: false` leaves the
   * frame's source as it was (AWS does so for e.g. MapIterationSucceeded and ExecutionStarted).
   */
  emit(frame: Frame | null, type: string, detailsKey?: string, details?: Details, advance = true, prev?: number): number {
    if (frame?.silent === true) return 0;
    if (frame?.childExecution !== undefined) return this.emitChild(frame, frame.childExecution, type, detailsKey, details, advance, prev);
    const id = this.nextId(type);
    if (id === 0) return 0;
    const previousEventId = prev ?? frame?.prevId ?? 0;
    if (frame !== null && advance) frame.prevId = id;
    this.log.push({ timestamp: this.now, type, id, previousEventId, detailsKey, details });
    return id;
  }

  /** A state's …StateEntered event. */
  emitEntered(frame: Frame, type: string, name: string, input: Json): number {
    if (frame.silent === true) return 0;
    if (frame.childExecution !== undefined) return this.emitChild(frame, frame.childExecution, type, 'stateEnteredEventDetails', stateEnteredDetails(name, input));
    const id = this.nextId(type);
    if (id === 0) return 0;
    const visit = new StateVisit(this.stamp, type, id, frame.prevId, name, input);
    frame.prevId = id;
    this.log.push(visit);
    this.open = visit;
    return id;
  }

  /** A state's …StateExited event: folded into its visit when nothing was recorded since it entered. */
  emitExited(frame: Frame, type: string, name: string, output: Json, assigned?: { [name: string]: Json }): number {
    if (frame.silent === true) return 0;
    if (frame.childExecution !== undefined) return this.emitChild(frame, frame.childExecution, type, 'stateExitedEventDetails', stateExitedDetails(name, output, assigned));
    const id = this.nextId(type);
    if (id === 0) return 0;
    const open = this.open;
    // Nothing recorded since it entered, by this frame or any other (the frame's source is still it).
    if (open !== undefined && open.id === id - 1 && frame.prevId === open.id && open.name === name) {
      open.exitType = type;
      open.output = output;
      open.assigned = assigned;
      this.open = undefined;
    } else {
      this.log.push(new StateEventRecord(this.now, type, id, frame.prevId, true, name, output, assigned));
    }
    frame.prevId = id;
    return id;
  }

  /** The change this advance makes to a running child execution (undefined once it has ended). */
  childChange(arn: string): ChildExecutionChange | undefined {
    if (this.snapshot.childExecutions?.[arn] === undefined) return undefined;
    let change = this.children.get(arn);
    if (change === undefined) this.children.set(arn, (change = { arn, records: [] }));
    return change;
  }

  /**
   * An event of a child execution, numbered in its own history (no quota of the parent's, no
   * folding: child histories are read rarely and stay plain records). Dropped once the child ended.
   */
  emitChild(frame: Frame | null, arn: string, type: string, detailsKey?: string, details?: Details, advance = true, prev?: number): number {
    const counter = this.snapshot.childExecutions?.[arn];
    const change = this.childChange(arn);
    if (counter === undefined || change === undefined) return 0;
    const id = ++counter.lastEventId;
    const previousEventId = prev ?? frame?.prevId ?? 0;
    if (frame !== null && advance) frame.prevId = id;
    change.records.push({ timestamp: this.now, type, id, previousEventId, detailsKey, details });
    return id;
  }
}
