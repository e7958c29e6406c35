import type { ExecutionStatus } from '../../engine/index.js';
import { cleanUpOnFinish, executionAfterAdvance } from '../rules/advance.js';
import { REDRIVE_EVENT_TEXT, START_EVENT_TEXT, taskTokenEvent } from '../rules/events.js';
import { acceptsEvents, isRedrivable } from '../rules/status.js';
import { toExecution, type ExecutionRow, type TokenRow } from '../rows.js';
import type { Claim, WriteOp, WriteResult } from '../work.js';
import { writeChildExecutions } from './child-executions.js';
import type { PgContext } from './statements.js';

// Every operation locks its execution row before the rows that hang off it (outbox, tokens), in
// the order applyAdvance does, so concurrent commits queue on the execution instead of deadlocking.

/** One operation of a commit, inside the commit's transaction (the domain rules come from rules/). */
export async function applyOp(ctx: PgContext, op: WriteOp): Promise<WriteResult> {
  switch (op.kind) {
    case 'createExecution': {
      const e = op.execution;
      const lease = op.claim;
      const inserted = await ctx.run<{ id: number }>('insertExecution', [
        e.arn, e.stateMachineArn, e.revision, e.name, e.status, e.input, e.startDate, lease?.owner ?? null, lease?.expiresAt ?? null,
      ]);
      if (inserted.rows.length === 0) {
        const existing = (await ctx.run<ExecutionRow>('getExecution', [e.arn])).rows[0];
        return { kind: 'exists', execution: toExecution(existing) };
      }
      await ctx.run('insertInbox', [inserted.rows[0].id, START_EVENT_TEXT]);
      return lease === undefined ? { kind: 'created', execution: e } : { kind: 'created', execution: e, claimed: true };
    }
    case 'applyAdvance':
      return applyAdvance(ctx, op);
    case 'deliverTaskResult': {
      const o = (await ctx.run<{ execution_id: number }>('getOutbox', [op.idempotencyKey])).rows[0];
      if (o === undefined) return { kind: 'dropped', reason: 'stale' };
      const e = (await ctx.run<{ arn: string; status: string }>('lockStatus', [o.execution_id])).rows[0];
      // Taken by the delete: of two deliveries at once, one finds the entry gone (stale).
      if ((await ctx.run('takeOutbox', [op.idempotencyKey])).rows.length === 0) return { kind: 'dropped', reason: 'stale' };
      if (!acceptsEvents(e.status)) return { kind: 'dropped', reason: 'notRunning' };
      await ctx.run('insertInbox', [o.execution_id, JSON.stringify(op.event)]);
      return delivered(ctx, e.arn, o.execution_id, op.claim);
    }
    case 'acknowledgeEffect':
      await ctx.run('deleteOutbox', [op.idempotencyKey]);
      return { kind: 'applied' };
    case 'completeTaskToken': {
      const t = (await ctx.run<TokenRow>('getToken', [op.token])).rows[0];
      if (t === undefined) return { kind: 'dropped', reason: 'unknownToken' };
      const e = (await ctx.run<{ arn: string; status: string }>('lockStatus', [t.execution_id])).rows[0];
      if ((await ctx.run('takeToken', [op.token])).rows.length === 0) return { kind: 'dropped', reason: 'unknownToken' };
      await ctx.run('deleteOutbox', [t.idempotency_key]);
      if (!acceptsEvents(e.status)) return { kind: 'dropped', reason: 'notRunning' };
      await ctx.run('insertInbox', [t.execution_id, JSON.stringify(taskTokenEvent({ frameId: t.frame_id, attempt: t.attempt }, op.result))]);
      return delivered(ctx, e.arn, t.execution_id, op.claim);
    }
    case 'redriveExecution': {
      const row = (await ctx.run<{ id: number; status: ExecutionStatus; kept: boolean }>('redrivable', [op.executionArn])).rows[0];
      if (row === undefined) return { kind: 'notRedrivable' };
      if (!isRedrivable(row.status, row.kept)) return { kind: 'notRedrivable', status: row.status };
      // The version stays: the snapshot is unchanged until the scheduler applies the redrive event.
      await ctx.run('redriveExecution', ['RUNNING', op.redriveDate, row.id]);
      await ctx.run('insertInbox', [row.id, REDRIVE_EVENT_TEXT]);
      const execution = toExecution((await ctx.run<ExecutionRow>('getExecution', [op.executionArn])).rows[0]);
      return op.claim === undefined ? { kind: 'redriven', execution } : { kind: 'redriven', execution, claimed: await claimRow(ctx, row.id, op.claim) };
    }
    case 'appendInbox': {
      const row = (await ctx.run<{ id: number; status: string }>('lockState', [op.executionArn])).rows[0];
      if (row === undefined || !acceptsEvents(row.status)) return { kind: 'dropped', reason: 'notRunning' };
      await ctx.run('insertInbox', [row.id, JSON.stringify(op.event)]);
      return delivered(ctx, op.executionArn, row.id, op.claim);
    }
    case 'claimExecution': {
      const id = await ctx.idOf(op.executionArn);
      return id !== undefined && (await claimRow(ctx, id, op.claim)) ? { kind: 'claimed', expiresAt: op.claim.expiresAt } : { kind: 'claimRefused' };
    }
    case 'renewClaims':
      await ctx.run('renewExecutionClaims', [op.expiresAt, op.owner]);
      await ctx.run('renewOutboxClaims', [op.expiresAt, op.owner]);
      return { kind: 'applied' };
    case 'releaseClaims':
      if (op.executionArns !== undefined) {
        for (const arn of op.executionArns) {
          const id = await ctx.idOf(arn);
          if (id !== undefined) await ctx.run('releaseExecutionClaim', [id, op.owner]);
        }
        return { kind: 'applied' };
      }
      await ctx.run('releaseExecutionClaims', [op.owner]);
      await ctx.run('releaseOutboxClaims', [op.owner]);
      return { kind: 'applied' };
  }
}

/** Takes the execution for `claim.owner` unless another worker's lease on it is still live. */
async function claimRow(ctx: PgContext, id: number, claim: Claim): Promise<boolean> {
  return ((await ctx.run('claimExecution', [claim.owner, claim.now, claim.expiresAt, id])).rowCount ?? 0) > 0;
}

async function delivered(ctx: PgContext, executionArn: string, id: number, claim: Claim | undefined): Promise<WriteResult> {
  return claim === undefined ? { kind: 'delivered', executionArn } : { kind: 'delivered', executionArn, claimed: await claimRow(ctx, id, claim) };
}

async function applyAdvance(ctx: PgContext, op: Extract<WriteOp, { kind: 'applyAdvance' }>): Promise<WriteResult> {
  const id = await ctx.idOf(op.executionArn);
  if (id === undefined) return { kind: 'conflict' };
  const after = executionAfterAdvance(op);
  // The optimistic check: the version the advance started from and the last event it follows.
  const updated = await ctx.run('updateExecution', [
    after.status,
    after.output,
    after.error,
    after.cause,
    after.stopDate,
    after.version,
    after.lastEventId,
    after.snapshot,
    after.leaseOwner,
    after.leaseExpires,
    id,
    op.expectedVersion,
    after.firstEventId - 1,
  ]);
  if ((updated.rowCount ?? 0) === 0) {
    const row = (await ctx.run<{ version: number; last_event_id: number }>('executionState', [op.executionArn])).rows[0];
    if (row.version !== op.expectedVersion) return { kind: 'conflict' };
    // History is append-only and gapless: events that do not follow the stored ones are a bug.
    throw new Error(`history of ${op.executionArn} continues at event ${row.last_event_id + 1}, not ${after.firstEventId}`);
  }
  if (op.history.length > 0) await ctx.run('insertHistory', [id, after.firstEventId, after.lastEventId, JSON.stringify(op.history)]);
  if (op.childExecutions !== undefined) await writeChildExecutions(ctx, op.childExecutions);
  if (after.finished) {
    const clean = cleanUpOnFinish(op);
    await ctx.run('deleteInboxOf', [id]);
    if (clean.timersEffectsTokens) {
      await ctx.run('deleteTimersOf', [id]);
      await ctx.run('deleteOutboxOf', [id]);
      await ctx.run('deleteTokensOf', [id]);
    }
    return { kind: 'applied' };
  }
  for (const i of op.consumedInbox) await ctx.run('deleteInbox', [i, id]);
  for (const t of op.firedTimers) await ctx.run('deleteTimer', [id, t.frameId, t.key]);
  for (const t of op.cancelledTimers) await ctx.run('deleteTimer', [id, t.frameId, t.key]);
  for (const a of op.endedAttempts) {
    await ctx.run('deleteOutboxOfAttempt', [id, a]);
    await ctx.run('deleteTokensOfAttempt', [id, a]);
  }
  for (const t of op.newTimers) await ctx.run('insertTimer', [id, t.frameId, t.key, t.dueAt]);
  const owner = op.claim?.owner ?? null;
  const expires = op.claim?.expiresAt ?? null;
  for (const o of op.outbox) {
    await ctx.run('insertOutbox', [o.idempotencyKey, id, o.frameId, o.attempt, JSON.stringify(o.request), owner, expires]);
    if (o.request.taskToken !== undefined) await ctx.run('insertToken', [o.request.taskToken, id, o.idempotencyKey, o.frameId, o.attempt]);
  }
  for (const f of op.followUps) await ctx.run('insertInbox', [id, JSON.stringify(f)]);
  return { kind: 'applied' };
}
