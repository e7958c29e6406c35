import type { Json } from '../language/json.js';
import type { Frame, Snapshot } from './snapshot.js';
import type { HistoryEvent } from './types.js';

/**
 * A JSON payload inside event details. AWS sends payloads as JSON text; we keep the value and
 * serialise on first read, so a run that nobody inspects never pays for JSON.stringify.
 */
function defineJsonText(target: object, key: string, value: Json): void {
  let text: string | undefined;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (text ??= JSON.stringify(value)),
  });
}

const NOT_TRUNCATED = Object.freeze({ truncated: false });

export function stateEnteredDetails(name: string, input: Json): object {
  const d = { name, inputDetails: NOT_TRUNCATED };
  defineJsonText(d, 'input', input);
  return d;
}

export function stateExitedDetails(name: string, output: Json, assigned?: { [name: string]: Json }): object {
  const d: Record<string, unknown> = { name, outputDetails: NOT_TRUNCATED };
  defineJsonText(d, 'output', output);
  if (assigned !== undefined && Object.keys(assigned).length > 0) {
    const vars: Record<string, unknown> = {};
    for (const k of Object.keys(assigned)) defineJsonText(vars, k, assigned[k]);
    d.assignedVariables = vars;
    d.assignedVariablesDetails = NOT_TRUNCATED;
  }
  return d;
}

export function payloadDetails(key: 'input' | 'output', value: Json, extra?: Record<string, unknown>): object {
  const d: Record<string, unknown> = { ...extra, [`${key}Details`]: NOT_TRUNCATED };
  defineJsonText(d, key, value);
  return d;
}

export function errorDetails(error: string | undefined, cause: string | undefined, extra?: Record<string, unknown>): object {
  const d: Record<string, unknown> = { ...extra };
  if (error !== undefined) d.error = error;
  if (cause !== undefined) d.cause = cause;
  return d;
}

/** Collects the history events of one advance and numbers them as AWS does. */
export class HistoryWriter {
  readonly events: HistoryEvent[] = [];
  private readonly timestamp: Date;

  constructor(
    private readonly snapshot: Snapshot,
    now: number,
  ) {
    this.timestamp = new Date(now);
  }

  /**
   * Appends an event. Its previousEventId is the frame's source event; `advance: false` leaves the
   * frame's source as it was (AWS does so for e.g. MapIterationSucceeded and ExecutionStarted).
   */
  emit(frame: Frame | null, type: string, detailsKey?: string, details?: object, advance = true, prev?: number): number {
    const id = ++this.snapshot.lastEventId;
    const previousEventId = prev ?? frame?.prevId ?? 0;
    if (frame !== null && advance) frame.prevId = id;
    const event: Record<string, unknown> = { timestamp: this.timestamp, type, id, previousEventId };
    if (detailsKey !== undefined) event[detailsKey] = details;
    this.events.push(event as unknown as HistoryEvent);
    return id;
  }
}
