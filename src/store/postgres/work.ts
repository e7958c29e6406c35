import type { EngineEvent } from '../../engine/index.js';
import { toOutbox, type OutboxRow } from '../rows.js';
import type { ClaimedExecution, InboxEvent, Lease, OutboxRecord, TimerRecord } from '../work.js';
import type { PgContext } from './statements.js';

// The work role on PostgreSQL: what to advance and dispatch, claims, leases, the scheduler's runs.

export async function pendingInbox(ctx: PgContext, executionArn: string): Promise<InboxEvent[]> {
  const id = await ctx.idOf(executionArn);
  if (id === undefined) return [];
  return (await ctx.run<{ id: number; event: string }>('pendingInbox', [id])).rows.map((r) => ({ id: r.id, event: JSON.parse(r.event) as EngineEvent }));
}

export async function dueTimers(ctx: PgContext, executionArn: string, now: number): Promise<TimerRecord[]> {
  const id = await ctx.idOf(executionArn);
  if (id === undefined) return [];
  return (await ctx.run<{ frame_id: string; key: string; due_at: number }>('dueTimers', [id, now])).rows.map((r) => ({
    frameId: r.frame_id,
    key: r.key,
    dueAt: r.due_at,
  }));
}

export async function findWork(ctx: PgContext, now: number, limit: number): Promise<string[]> {
  return (await ctx.run<{ arn: string }>('findWork', [now, limit])).rows.map((r) => r.arn);
}

export async function nextTimerDue(ctx: PgContext): Promise<number | undefined> {
  return (await ctx.run<{ t: number | null }>('nextTimer')).rows[0].t ?? undefined;
}

export async function pendingOutbox(ctx: PgContext, limit: number): Promise<OutboxRecord[]> {
  return (await ctx.run<OutboxRow>('pendingOutbox', [limit])).rows.map(toOutbox);
}

export async function getOutboxEntry(ctx: PgContext, idempotencyKey: string): Promise<OutboxRecord | undefined> {
  const r = (await ctx.run<OutboxRow>('getOutboxEntry', [idempotencyKey])).rows[0];
  return r && toOutbox(r);
}

// Claims: one statement each, FOR UPDATE SKIP LOCKED, so workers claiming at once never wait on each other.

export async function claimWork(ctx: PgContext, owner: string, now: number, limit: number, leaseMs: number): Promise<ClaimedExecution[]> {
  const rows = (await ctx.run<{ arn: string; lease_expires: number }>('claimWork', [owner, now, now + leaseMs, limit])).rows;
  return rows.map((r) => ({ executionArn: r.arn, expiresAt: r.lease_expires }));
}

export async function claimExecutions(ctx: PgContext, owner: string, arns: readonly string[], now: number, leaseMs: number): Promise<ClaimedExecution[]> {
  const rows = (await ctx.run<{ arn: string; lease_expires: number }>('claimExecutions', [owner, now, now + leaseMs, arns] as never)).rows;
  return rows.map((r) => ({ executionArn: r.arn, expiresAt: r.lease_expires }));
}

export async function claimOutbox(ctx: PgContext, owner: string, now: number, limit: number, leaseMs: number, abandonedOnly = false): Promise<OutboxRecord[]> {
  return (await ctx.run<OutboxRow>('claimOutbox', [owner, now, now + leaseMs, limit, !abandonedOnly])).rows.map(toOutbox);
}

export async function leaseOf(ctx: PgContext, what: { readonly executionArn: string } | { readonly idempotencyKey: string }): Promise<Lease | undefined> {
  const q = 'executionArn' in what ? ctx.run<LeaseRow>('executionLease', [what.executionArn]) : ctx.run<LeaseRow>('outboxLease', [what.idempotencyKey]);
  const r = (await q).rows[0];
  return r === undefined || r.lease_owner === null ? undefined : { owner: r.lease_owner, expiresAt: r.lease_expires ?? 0 };
}

interface LeaseRow {
  lease_owner: string | null;
  lease_expires: number | null;
}

// Leases

export async function acquireLease(ctx: PgContext, name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
  return ((await ctx.run('acquireLease', [name, owner, now + ttlMs, now])).rowCount ?? 0) > 0;
}

export async function releaseLease(ctx: PgContext, name: string, owner: string): Promise<void> {
  await ctx.run('releaseLease', [name, owner]);
}

// Poison pills

/**
 * Many schedulers share a PostgreSQL database: each run is recorded under its node name, and no
 * run lets go of claims it did not make (another node's claims end with their lease; a node that
 * restarts under the same worker id takes its own back at once).
 */
export async function beginRun(ctx: PgContext, node: string): Promise<{ previousRunEnded: boolean }> {
  const r = (await ctx.run<{ was_running: boolean | null }>('beginRun', [node])).rows[0];
  return { previousRunEnded: r.was_running !== true };
}

export async function endRun(ctx: PgContext, node: string): Promise<void> {
  await ctx.run('endRun', [node]);
}

export async function countAdvanceAttempt(ctx: PgContext, executionArn: string): Promise<number> {
  return (await ctx.run<{ advance_attempts: number }>('countAttempt', [executionArn])).rows[0]?.advance_attempts ?? 0;
}

export async function clearAdvanceAttempts(ctx: PgContext, executionArn: string): Promise<void> {
  await ctx.run('clearAttempts', [executionArn]);
}
