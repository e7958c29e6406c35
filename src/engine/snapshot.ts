import type { Json } from '../language/json.js';
import type { ExecutionStatus } from './types.js';

/** Facts about the execution that never change after it starts (the source of `$$.Execution` and `$$.StateMachine`). */
export interface ExecutionInfo {
  readonly arn: string;
  readonly name: string;
  readonly input: Json;
  /** Epoch ms; formatted only when `$$.Execution.StartTime` is read. */
  readonly startTime: number;
  readonly roleArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  /** Redrives before this execution started (normally 0); the snapshot's `redriveCount` counts on. */
  readonly redriveCount: number;
  /** Set for Express executions, which cannot be redriven: their context object has no RedriveCount. */
  readonly type?: 'EXPRESS';
}

/** What a frame is waiting for; `null` while it can run. */
export type FrameWait =
  | {
      readonly kind: 'task';
      readonly attempt: number;
      readonly started: boolean;
      /** TaskSubmitted is recorded (a repeated dispatch after a restart reports it again: once is enough). */
      readonly submitted?: boolean;
      /** The token a `.waitForTaskToken` task waits on (activity tasks carry theirs in the request only). */
      readonly taskToken?: string;
      /** The heartbeat timer armed now (HeartbeatSeconds); each heartbeat re-arms it under a new key. */
      readonly heartbeatKey?: string;
      readonly heartbeatSeconds?: number;
    }
  | { readonly kind: 'timer'; readonly key: string; readonly purpose: 'wait' | 'retry' }
  | { readonly kind: 'children' }
  | { readonly kind: 'done' };

export type FrameResume =
  | { readonly kind: 'taskSucceeded'; readonly output: Json }
  | { readonly kind: 'taskFailed'; readonly error?: string; readonly cause?: string }
  /** `error`: set when the heartbeat ran out (recorded as States.Timeout; see taskTimedOut). */
  | { readonly kind: 'taskTimedOut'; readonly error?: 'States.HeartbeatTimeout' }
  | { readonly kind: 'timer'; readonly purpose: 'wait' | 'retry' }
  | { readonly kind: 'childrenDone' }
  | { readonly kind: 'childFailed'; readonly error: string; readonly cause?: string };

/** Limits of a Map Run that UpdateMapRun set before its items were read (applied once they are). */
export interface MapRunLimits {
  readonly maxConcurrency?: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
}

/** Progress of a running Map or Parallel state: its child frames and collected results. */
export interface ChildrenProgress {
  readonly total: number;
  /** Index of the next child to start (Map with MaxConcurrency). */
  nextIndex: number;
  running: number;
  failedCount: number;
  results: Json[];
  /** Which children have succeeded (their results are in `results`). */
  done: boolean[];
  /** The items a Map iterates over (after ItemsPath/Items and ItemSelector is applied per item). */
  readonly items?: Json[];
  /** The limits UpdateMapRun may change while a distributed Map runs. */
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  /** Event id of the last MapIterationSucceeded (AWS points MapStateSucceeded/Exited at it). */
  lastIterationEventId: number;
  /** The state input, used by ResultPath once children finish. */
  readonly stateInput: Json;
}

/**
 * A thread of control: the top-level flow, one Parallel branch or one Map iteration. Plain JSON so a
 * snapshot can be stored and resumed.
 */
export interface Frame {
  readonly id: string;
  readonly parentId: string | null;
  /** Key of the compiled states table this frame walks (see compile.ts). */
  readonly scope: string;
  /** Branch or iteration index in the parent. */
  readonly index: number;
  /** AWS's "source event id": the previousEventId of the next event this frame emits. */
  prevId: number;
  /** Variables assigned in this frame's own scope; outer scopes are read through parentId. */
  variables: { [name: string]: Json };
  state: string;
  input: Json;
  enteredEventId: number;
  /** Epoch ms; formatted only when `$$.State.EnteredTime` is read. */
  enteredTime: number;
  /** Attempts so far per retrier (index in Retry). */
  retryCounts: number[];
  /** Total retries of the current state (`$$.State.RetryCount`). */
  retryCount: number;
  wait: FrameWait | null;
  /** The frame must emit the StateEntered event of `state` and run it. */
  pendingEnter: boolean;
  /** An event for the frame's current state to consume when the frame next runs. */
  resume?: FrameResume;
  /** previousEventId of the StateEntered event (AWS links EvaluationFailed to it). */
  enteredPrevId: number;
  children?: ChildrenProgress;
  /** A distributed Map's run: its ARN, and whether it is reading items or writing results (a task-shaped wait). */
  mapRun?: { readonly arn: string; phase: 'reading' | 'running' | 'writing'; updates?: MapRunLimits };
  /**
   * Set by a redrive when the state to run again is a Map or Parallel: the children that had
   * succeeded keep their results and only the others run again, as AWS redrives them.
   */
  redriveFrom?: { readonly done: boolean[]; readonly results: Json[] };
  /**
   * Set on the iterations of a distributed Map whose children are Express executions, and their
   * descendants: AWS keeps no history of those, and they are not part of this execution's either.
   */
  readonly silent?: boolean;
  /**
   * Set on the iterations of a distributed Map whose children are Standard executions, and their
   * descendants: the ARN of the child execution the frame runs in, whose history its events go to.
   */
  readonly childExecution?: string;
  /** `$$.Map.Item` for iteration frames. */
  readonly mapItem?: { readonly index: number; readonly value: Json };
  /** Set when the frame ended: its output or its failure. */
  result?: { readonly ok: true; readonly output: Json } | { readonly ok: false; readonly error: string; readonly cause?: string };
}

export interface Snapshot {
  version: number;
  status: ExecutionStatus;
  readonly execution: ExecutionInfo;
  lastEventId: number;
  frameSeq: number;
  frames: { [id: string]: Frame };
  readonly rootFrameId: string;
  output?: Json;
  error?: string;
  cause?: string;
  /**
   * The child executions (distributed Map iterations) running now, by ARN: the last event id of each
   * one's own history. An entry goes when its child ends.
   */
  childExecutions?: { [arn: string]: { lastEventId: number; readonly startTime: number } };
  /** Task attempts numbered so far by attempts.ts (those of child executions and Express children). */
  countedAttempts?: number;
  /** How many times RedriveExecution restarted it (`$$.Execution.RedriveCount`). */
  redriveCount?: number;
}
