import type { EngineEvent } from '../../engine/index.js';
import type { ClaimedExecution, InboxEvent, Lease, OutboxRecord, TimerRecord } from '../work.js';
import { toOutbox, type OutboxRow } from '../rows.js';
import type { SqliteContext } from './statements.js';

// The work role on SQLite: what to advance and dispatch, leases, and the scheduler's runs.

export function pendingInbox(ctx: SqliteContext, executionArn: string): InboxEvent[] {
  const id = ctx.idOf(executionArn);
  if (id === undefined) return [];
  return (ctx.s.pendingInbox.all(id) as { id: number; event: string }[]).map((r) => ({ id: r.id, event: JSON.parse(r.event) as EngineEvent }));
}

export function dueTimers(ctx: SqliteContext, executionArn: string, now: number): TimerRecord[] {
  const id = ctx.idOf(executionArn);
  if (id === undefined) return [];
  return (ctx.s.dueTimers.all(id, now) as { frame_id: string; key: string; due_at: number }[]).map((r) => ({
    frameId: r.frame_id,
    key: r.key,
    dueAt: r.due_at,
  }));
}

export function findWork({ s }: SqliteContext, now: number, limit: number): string[] {
  return (s.findWork.all(now, limit) as { arn: string }[]).map((r) => r.arn);
}

export function nextTimerDue({ s }: SqliteContext): number | undefined {
  return (s.nextTimer.get() as { t: number | null }).t ?? undefined;
}

export function pendingOutbox({ s }: SqliteContext, limit: number): OutboxRecord[] {
  return (s.pendingOutbox.all(limit) as OutboxRow[]).map(toOutbox);
}

export function getOutboxEntry({ s }: SqliteContext, idempotencyKey: string): OutboxRecord | undefined {
  const r = s.getOutboxEntry.get(idempotencyKey) as OutboxRow | undefined;
  return r && toOutbox(r);
}

// Claims

export function claimWork(ctx: SqliteContext, owner: string, now: number, limit: number, leaseMs: number): ClaimedExecution[] {
  const { claims, s } = ctx;
  // Work held live by others is skipped, so look that much further to still find `limit` claimable.
  const rows = s.findWork.all(now, limit + claims.heldByOthers(owner, now)) as { arn: string }[];
  const expires = now + leaseMs;
  const out: ClaimedExecution[] = [];
  for (const { arn } of rows) {
    if (out.length === limit) break;
    const held = claims.get(arn);
    // Already the owner's and live: kept as it is (a poll while busy does not renew every claim).
    if (held !== undefined && held.owner === owner && held.expiresAt > now) out.push({ executionArn: arn, expiresAt: held.expiresAt });
    else if (claims.claim(arn, { owner, now, expiresAt: expires })) out.push({ executionArn: arn, expiresAt: expires });
  }
  return out;
}

export function claimOutbox({ db, s }: SqliteContext, owner: string, now: number, limit: number, leaseMs: number, abandonedOnly = false): OutboxRecord[] {
  return db.transaction(() => {
    const rows = s.claimableOutbox.all({ owner, now, limit, own: abandonedOnly ? 0 : 1 }) as (OutboxRow & { lease_owner: string | null; lease_expires: number | null })[];
    for (const r of rows) if (r.lease_owner !== owner || (r.lease_expires ?? 0) <= now) s.claimOutboxEntry.run(owner, now + leaseMs, r.idempotency_key);
    return rows.map(toOutbox);
  })();
}

export function leaseOf({ claims, s }: SqliteContext, what: { readonly executionArn: string } | { readonly idempotencyKey: string }): Lease | undefined {
  if ('executionArn' in what) return claims.get(what.executionArn);
  const r = s.outboxLease.get(what.idempotencyKey) as { lease_owner: string | null; lease_expires: number | null } | undefined;
  return r === undefined || r.lease_owner === null ? undefined : { owner: r.lease_owner, expiresAt: r.lease_expires ?? 0 };
}

// Leases

export function acquireLease({ s }: SqliteContext, name: string, owner: string, now: number, ttlMs: number): boolean {
  return s.acquireLease.run(name, owner, now + ttlMs, now).changes > 0;
}

export function releaseLease({ s }: SqliteContext, name: string, owner: string): void {
  s.releaseLease.run(name, owner);
}

// Poison pills

/**
 * One process owns an SQLite data dir (open.ts locks it): every claim in it was made by a run that
 * is over, so a run that begins lets go of them all, whatever its worker id.
 */
export function beginRun({ claims, db, s }: SqliteContext): { previousRunEnded: boolean } {
  claims.releaseAll();
  return db.transaction(() => {
    const row = s.runState.get() as { running: number } | undefined;
    s.setRunState.run(1);
    s.releaseAllOutboxClaims.run();
    return { previousRunEnded: row === undefined || row.running === 0 };
  })();
}

export function endRun({ s }: SqliteContext): void {
  s.setRunState.run(0);
}

export function countAdvanceAttempt({ s }: SqliteContext, executionArn: string): number {
  const row = s.countAttempt.get(executionArn) as { advance_attempts: number } | undefined;
  return row?.advance_attempts ?? 0;
}

export function clearAdvanceAttempts({ s }: SqliteContext, executionArn: string): void {
  s.clearAttempts.run(executionArn);
}
