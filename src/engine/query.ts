import type { Json } from '../language/json.js';
import type { Snapshot } from './snapshot.js';

// The one reader of a snapshot's frames for code outside the engine: what a snapshot waits for,
// asked in the engine's terms, so the frame tree can change shape without its readers changing.

/** A task attempt the execution waits for: its frame and the heartbeat timer armed for it now. */
export interface WaitingAttempt {
  readonly frameId: string;
  readonly heartbeatKey?: string;
}

/** The task attempts the execution waits for, by attempt number. */
export function waitingAttempts(snapshot: Snapshot): Map<number, WaitingAttempt> {
  const out = new Map<number, WaitingAttempt>();
  for (const id in snapshot.frames) {
    const w = snapshot.frames[id].wait;
    if (w?.kind === 'task') out.set(w.attempt, { frameId: id, heartbeatKey: w.heartbeatKey });
  }
  return out;
}

/** A `.waitForTaskToken` task still waiting for SendTaskSuccess/Failure. */
export interface WaitingCallback {
  readonly stateName: string;
  readonly taskToken: string;
  readonly enteredEventId: number;
  readonly input: Json;
  /** The branch or iteration index path from the top-level flow ([] for the top level). */
  readonly path: readonly number[];
}

/** The callback tasks the execution waits for, in frame order. */
export function waitingCallbacks(snapshot: Snapshot): WaitingCallback[] {
  const out: WaitingCallback[] = [];
  for (const frame of Object.values(snapshot.frames)) {
    const wait = frame.wait;
    if (wait === null || wait.kind !== 'task' || wait.taskToken === undefined || frame.result !== undefined) continue;
    out.push({ stateName: frame.state, taskToken: wait.taskToken, enteredEventId: frame.enteredEventId, input: frame.input, path: framePath(snapshot, frame.id) });
  }
  return out;
}

/** The branch or iteration indexes from the top-level flow down to the frame ([] for the top level). */
export function framePath(snapshot: Snapshot, frameId: string): number[] {
  const out: number[] = [];
  for (let f = snapshot.frames[frameId]; f !== undefined && f.parentId !== null; f = snapshot.frames[f.parentId]) out.unshift(f.index);
  return out;
}

/**
 * How many frames wait in each state for a task that carries no token of its own (an activity
 * task): a Map runs one state in many frames at once.
 */
export function tasksWaitingByState(snapshot: Snapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of Object.values(snapshot.frames)) {
    if (f.wait?.kind === 'task' && f.wait.taskToken === undefined && f.result === undefined) out.set(f.state, (out.get(f.state) ?? 0) + 1);
  }
  return out;
}

/** A distributed Map's run in progress: its iterations (or batches) by how far they got. */
export interface MapRunProgress {
  readonly mapRunArn: string;
  /** 'reading' while the ItemReader reads, 'writing' while the ResultWriter writes. */
  readonly phase: 'reading' | 'running' | 'writing';
  readonly total: number;
  readonly pending: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly maxConcurrency: number;
  readonly toleratedFailureCount: number;
  readonly toleratedFailurePercentage: number;
}

/** The Map Runs the execution has in progress, by ARN. */
export function mapRunsInProgress(snapshot: Snapshot): Map<string, MapRunProgress> {
  const out = new Map<string, MapRunProgress>();
  for (const frame of Object.values(snapshot.frames)) {
    const run = frame.mapRun;
    if (run === undefined) continue;
    const p = frame.children;
    const succeeded = p === undefined ? 0 : p.done.filter(Boolean).length;
    out.set(run.arn, {
      mapRunArn: run.arn,
      phase: run.phase,
      total: p?.total ?? 0,
      pending: p === undefined ? 0 : p.total - p.nextIndex,
      running: p?.running ?? 0,
      succeeded,
      failed: p?.failedCount ?? 0,
      maxConcurrency: p?.maxConcurrency ?? 0,
      toleratedFailureCount: p?.toleratedFailureCount ?? 0,
      toleratedFailurePercentage: p?.toleratedFailurePercentage ?? 0,
    });
  }
  return out;
}
