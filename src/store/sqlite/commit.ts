import type { ExecutionStatus } from '../../engine/index.js';
import { cleanUpOnFinish, executionAfterAdvance } from '../rules/advance.js';
import { REDRIVE_EVENT_TEXT, START_EVENT_TEXT, taskTokenEvent } from '../rules/events.js';
import { acceptsEvents, isRedrivable } from '../rules/status.js';
import type { ChildExecutionWrite, Claim, WriteOp, WriteResult } from '../work.js';
import { toExecution, type ExecutionRow, type TokenRow } from '../rows.js';
import type { SqliteContext } from './statements.js';

/** One operation of a commit, inside the commit's transaction (the domain rules come from rules/). */
export function applyOp(ctx: SqliteContext, op: WriteOp): WriteResult {
  const s = ctx.s;
  switch (op.kind) {
    case 'createExecution': {
      const e = op.execution;
      const lease = op.claim;
      const inserted = s.insertExecution.run(e.arn, e.stateMachineArn, e.revision, e.name, e.status, e.input, e.startDate);
      if (inserted.changes === 0) {
        const existing = s.getExecution.get(e.arn) as ExecutionRow;
        return { kind: 'exists', execution: toExecution(existing) };
      }
      const id = Number(inserted.lastInsertRowid);
      s.insertInbox.run(id, START_EVENT_TEXT);
      ctx.learnId(e.arn, id);
      if (lease !== undefined) ctx.claims.set(e.arn, { owner: lease.owner, expiresAt: lease.expiresAt });
      return lease === undefined ? { kind: 'created', execution: e } : { kind: 'created', execution: e, claimed: true };
    }
    case 'applyAdvance':
      return applyAdvance(ctx, op);
    case 'deliverTaskResult': {
      const o = s.getOutbox.get(op.idempotencyKey) as { execution_id: number } | undefined;
      if (o === undefined) return { kind: 'dropped', reason: 'stale' };
      const e = s.statusById.get(o.execution_id) as { arn: string; status: string };
      s.deleteOutbox.run(op.idempotencyKey);
      if (!acceptsEvents(e.status)) return { kind: 'dropped', reason: 'notRunning' };
      s.insertInbox.run(o.execution_id, JSON.stringify(op.event));
      return delivered(ctx, e.arn, op.claim);
    }
    case 'acknowledgeEffect':
      s.deleteOutbox.run(op.idempotencyKey);
      return { kind: 'applied' };
    case 'completeTaskToken': {
      const t = s.getToken.get(op.token) as TokenRow | undefined;
      if (t === undefined) return { kind: 'dropped', reason: 'unknownToken' };
      const e = s.statusById.get(t.execution_id) as { arn: string; status: string };
      s.deleteToken.run(op.token);
      s.deleteOutbox.run(t.idempotency_key);
      if (!acceptsEvents(e.status)) return { kind: 'dropped', reason: 'notRunning' };
      s.insertInbox.run(t.execution_id, JSON.stringify(taskTokenEvent({ frameId: t.frame_id, attempt: t.attempt }, op.result)));
      return delivered(ctx, e.arn, op.claim);
    }
    case 'redriveExecution': {
      const row = s.redrivable.get(op.executionArn) as { id: number; status: ExecutionStatus; kept: number } | undefined;
      if (row === undefined) return { kind: 'notRedrivable' };
      if (!isRedrivable(row.status, row.kept !== 0)) return { kind: 'notRedrivable', status: row.status };
      // The version stays: the snapshot is unchanged until the scheduler applies the redrive event.
      s.redriveExecution.run('RUNNING', op.redriveDate, row.id);
      s.insertInbox.run(row.id, REDRIVE_EVENT_TEXT);
      const execution = toExecution(s.getExecution.get(op.executionArn) as ExecutionRow);
      return op.claim === undefined ? { kind: 'redriven', execution } : { kind: 'redriven', execution, claimed: ctx.claims.claim(op.executionArn, op.claim) };
    }
    case 'appendInbox': {
      const row = s.executionState.get(op.executionArn) as { id: number; status: string } | undefined;
      if (row === undefined || !acceptsEvents(row.status)) return { kind: 'dropped', reason: 'notRunning' };
      s.insertInbox.run(row.id, JSON.stringify(op.event));
      return delivered(ctx, op.executionArn, op.claim);
    }
    case 'claimExecution': {
      return ctx.idOf(op.executionArn) !== undefined && ctx.claims.claim(op.executionArn, op.claim) ? { kind: 'claimed', expiresAt: op.claim.expiresAt } : { kind: 'claimRefused' };
    }
    case 'renewClaims':
      ctx.claims.renew(op.owner, op.expiresAt);
      s.renewOutboxClaims.run(op.expiresAt, op.owner);
      return { kind: 'applied' };
    case 'releaseClaims':
      if (op.executionArns !== undefined) {
        for (const arn of op.executionArns) ctx.claims.release(arn, op.owner);
        return { kind: 'applied' };
      }
      ctx.claims.releaseAll(op.owner);
      s.releaseOutboxClaims.run(op.owner);
      return { kind: 'applied' };
  }
}

function delivered(ctx: SqliteContext, executionArn: string, claim: Claim | undefined): WriteResult {
  return claim === undefined ? { kind: 'delivered', executionArn } : { kind: 'delivered', executionArn, claimed: ctx.claims.claim(executionArn, claim) };
}

function applyAdvance(ctx: SqliteContext, op: Extract<WriteOp, { kind: 'applyAdvance' }>): WriteResult {
  const s = ctx.s;
  const id = ctx.idOf(op.executionArn);
  if (id === undefined) return { kind: 'conflict' };
  const after = executionAfterAdvance(op);
  const updated = s.updateExecution.run(
    after.status,
    after.output,
    after.error,
    after.cause,
    after.stopDate,
    after.version,
    after.lastEventId,
    after.snapshot,
    id,
    op.expectedVersion,
    after.firstEventId - 1,
  );
  if (updated.changes === 0) {
    const row = s.executionState.get(op.executionArn) as { version: number; last_event_id: number };
    if (row.version !== op.expectedVersion) return { kind: 'conflict' };
    // History is append-only and gapless: events that do not follow the stored ones are a bug.
    throw new Error(`history of ${op.executionArn} continues at event ${row.last_event_id + 1}, not ${after.firstEventId}`);
  }
  ctx.claims.set(op.executionArn, after.leaseOwner === null || after.leaseExpires === null ? undefined : { owner: after.leaseOwner, expiresAt: after.leaseExpires });
  if (op.history.length > 0) s.insertHistory.run(id, after.firstEventId, after.lastEventId, JSON.stringify(op.history));
  if (op.childExecutions !== undefined) for (const c of op.childExecutions) writeChild(ctx, c);
  if (after.finished) {
    const clean = cleanUpOnFinish(op);
    s.deleteInboxOf.run(id);
    if (clean.timersEffectsTokens) {
      s.deleteTimersOf.run(id);
      s.deleteOutboxOf.run(id);
      s.deleteTokensOf.run(id);
    }
    return { kind: 'applied' };
  }
  for (const i of op.consumedInbox) s.deleteInbox.run(i, id);
  for (const t of op.firedTimers) s.deleteTimer.run(id, t.frameId, t.key);
  for (const t of op.cancelledTimers) s.deleteTimer.run(id, t.frameId, t.key);
  for (const a of op.endedAttempts) {
    s.deleteOutboxOfAttempt.run(id, a);
    s.deleteTokensOfAttempt.run(id, a);
  }
  for (const t of op.newTimers) s.insertTimer.run(id, t.frameId, t.key, t.dueAt);
  const owner = op.claim?.owner ?? null;
  const expires = op.claim?.expiresAt ?? null;
  for (const o of op.outbox) {
    s.insertOutbox.run(o.idempotencyKey, id, o.frameId, o.attempt, JSON.stringify(o.request), owner, expires);
    if (o.request.taskToken !== undefined) s.insertToken.run(o.request.taskToken, id, o.idempotencyKey, o.frameId, o.attempt);
  }
  for (const f of op.followUps) s.insertInbox.run(id, JSON.stringify(f));
  return { kind: 'applied' };
}

/** A child execution's part of its parent's advance: its row and its history, in the same transaction. */
function writeChild(ctx: SqliteContext, c: ChildExecutionWrite): void {
  const s = ctx.s;
  const st = c.start;
  const e = c.end;
  const last = c.history.length > 0 ? c.history[c.history.length - 1].id : undefined;
  let id: number | undefined;
  if (st !== undefined) {
    const inserted =
      e !== undefined
        ? s.insertEndedChildExecution.run(c.arn, st.stateMachineArn, st.revision, st.name, e.status, st.input, e.output ?? null, e.error ?? null, e.cause ?? null, st.startDate, e.stopDate, last ?? 0, st.mapRunArn)
        : s.insertChildExecution.run(c.arn, st.stateMachineArn, st.revision, st.name, st.input, st.startDate, st.mapRunArn);
    if (inserted.changes > 0) ctx.learnId(c.arn, (id = Number(inserted.lastInsertRowid)));
  }
  id ??= ctx.idOf(c.arn);
  if (id === undefined) throw new Error(`child execution ${c.arn} was never started`);
  if (last !== undefined) s.insertHistory.run(id, c.history[0].id, last, JSON.stringify(c.history));
  if (st !== undefined && e !== undefined) return;
  if (e !== undefined) s.endChildExecution.run(e.status, e.output ?? null, e.error ?? null, e.cause ?? null, e.stopDate, last ?? 0, id);
  else if (last !== undefined) s.advanceChildExecution.run(last, id);
}
