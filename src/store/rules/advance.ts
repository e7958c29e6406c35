import type { WriteOp } from '../work.js';
import { isFinished } from './status.js';

type ApplyAdvance = Extract<WriteOp, { kind: 'applyAdvance' }>;

/** The execution row an advance leaves, as every store writes it. */
export interface ExecutionAfterAdvance {
  readonly status: string;
  /** JSON text, on success only. */
  readonly output: string | null;
  readonly error: string | null;
  readonly cause: string | null;
  readonly stopDate: number | null;
  readonly version: number;
  /** The id of the advance's first event (the stored history must end just before it) and its last. */
  readonly firstEventId: number;
  readonly lastEventId: number;
  /** JSON text; null after success (nothing can resume a succeeded execution, so none is kept). */
  readonly snapshot: string | null;
  readonly finished: boolean;
  /** The claim the row keeps: the advance's own, when it asked to keep it and the execution goes on; else none. */
  readonly leaseOwner: string | null;
  readonly leaseExpires: number | null;
}

export function executionAfterAdvance(op: ApplyAdvance): ExecutionAfterAdvance {
  const snap = op.snapshot;
  const finished = isFinished(snap.status);
  const succeeded = snap.status === 'SUCCEEDED';
  const kept = op.claim !== undefined && op.claim.keep && !finished ? op.claim : undefined;
  return {
    status: snap.status,
    output: succeeded ? JSON.stringify(snap.output ?? null) : null,
    error: snap.error ?? null,
    cause: snap.cause ?? null,
    stopDate: finished ? (op.stopDate ?? null) : null,
    version: snap.version,
    firstEventId: op.history.length > 0 ? op.history[0].id : snap.lastEventId + 1,
    lastEventId: op.history.length > 0 ? op.history[op.history.length - 1].id : snap.lastEventId,
    snapshot: succeeded ? null : JSON.stringify(snap),
    finished,
    leaseOwner: kept?.owner ?? null,
    leaseExpires: kept?.expiresAt ?? null,
  };
}

/**
 * What a finished execution's pending work loses: nothing can happen to it, so its inbox goes, and
 * its timers, effects and tokens unless it finished in its first advance (from version 0), which
 * cannot have left any behind.
 */
export function cleanUpOnFinish(op: ApplyAdvance): { readonly inbox: true; readonly timersEffectsTokens: boolean } {
  return { inbox: true, timersEffectsTokens: op.expectedVersion > 0 };
}
