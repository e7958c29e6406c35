import type { EngineEvent } from '../../engine/index.js';
import type { InboxEvent, OutboxRecord, TimerRecord } from '../work.js';
import { toOutbox, type OutboxRow } from './rows.js';
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

// Leases

export function acquireLease({ s }: SqliteContext, name: string, owner: string, now: number, ttlMs: number): boolean {
  return s.acquireLease.run(name, owner, now + ttlMs, now).changes > 0;
}

export function releaseLease({ s }: SqliteContext, name: string, owner: string): void {
  s.releaseLease.run(name, owner);
}

// Poison pills

export function beginRun({ db, s }: SqliteContext): { previousRunEnded: boolean } {
  return db.transaction(() => {
    const row = s.runState.get() as { running: number } | undefined;
    s.setRunState.run(1);
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
