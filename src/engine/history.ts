import type { Json } from '../language/json.js';
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
 * JSON texts of payload objects already serialised. Payloads are immutable and one state's output
 * is the next one's input, so each object is serialised once however many events carry it.
 */
const payloadTexts = new WeakMap<object, string>();

function materializeValue(v: unknown): unknown {
  if (!(v instanceof JsonPayload)) return v;
  const value = v.value;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = payloadTexts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    payloadTexts.set(value, text);
  }
  return text;
}

/** The event as GetExecutionHistory shows it: payloads as JSON texts. */
export function materializeEvent(r: HistoryRecord): HistoryEvent {
  const event: Record<string, unknown> = { timestamp: new Date(r.timestamp), type: r.type, id: r.id, previousEventId: r.previousEventId };
  if (r.detailsKey !== undefined && r.details !== undefined) {
    const d: Details = {};
    for (const k of Object.keys(r.details)) {
      const v = r.details[k];
      if (v !== null && typeof v === 'object' && !(v instanceof JsonPayload) && k === 'assignedVariables') {
        const vars: Details = {};
        for (const name of Object.keys(v)) vars[name] = materializeValue((v as Details)[name]);
        d[k] = vars;
      } else {
        d[k] = materializeValue(v);
      }
    }
    event[r.detailsKey] = d;
  }
  return event as unknown as HistoryEvent;
}

/**
 * A …StateEntered / …StateExited event, the bulk of every history, kept flat: one object per event
 * on the hot path, its details object built only when something reads it.
 */
class StateEventRecord implements HistoryRecord {
  constructor(
    private readonly stamp: Stamp,
    readonly type: string,
    readonly id: number,
    readonly previousEventId: number,
    private readonly exited: boolean,
    private readonly name: string,
    private readonly payload: Json,
    private readonly assigned: { [name: string]: Json } | undefined,
  ) {}

  get timestamp(): number {
    return this.stamp.at;
  }

  get detailsKey(): string {
    return this.exited ? 'stateExitedEventDetails' : 'stateEnteredEventDetails';
  }

  get details(): Details {
    return this.exited ? stateExitedDetails(this.name, this.payload, this.assigned) : stateEnteredDetails(this.name, this.payload);
  }
}

/**
 * The instant of one advance, shared by its state events: a number field of its own would cost
 * each event a heap-allocated double.
 */
interface Stamp {
  readonly at: number;
}

/** Collects the history events of one advance and numbers them as AWS does. */
export class HistoryWriter {
  /** Where the records of this advance start in `records`. */
  readonly start: number;

  constructor(
    private readonly snapshot: Snapshot,
    private readonly now: number,
    /** Appended to; a caller that keeps the whole history passes its own array (no copying). */
    readonly records: HistoryRecord[] = [],
  ) {
    this.start = records.length;
    this.stamp = { at: now };
  }

  private readonly stamp: Stamp;

  /**
   * Appends an event. Its previousEventId is the frame's source event; `advance: false` leaves the
   * frame's source as it was (AWS does so for e.g. MapIterationSucceeded and ExecutionStarted).
   */
  emit(frame: Frame | null, type: string, detailsKey?: string, details?: Details, advance = true, prev?: number): number {
    if (frame?.silent === true) return 0;
    const id = ++this.snapshot.lastEventId;
    const previousEventId = prev ?? frame?.prevId ?? 0;
    if (frame !== null && advance) frame.prevId = id;
    this.records.push({ timestamp: this.now, type, id, previousEventId, detailsKey, details });
    return id;
  }

  /** `emit` of a state's entered (`exited` false) or exited event, with `payload` its input or output. */
  emitState(frame: Frame, type: string, exited: boolean, name: string, payload: Json, assigned?: { [name: string]: Json }): number {
    if (frame.silent === true) return 0;
    const id = ++this.snapshot.lastEventId;
    const previousEventId = frame.prevId;
    frame.prevId = id;
    this.records.push(new StateEventRecord(this.stamp, type, id, previousEventId, exited, name, payload, assigned));
    return id;
  }
}
