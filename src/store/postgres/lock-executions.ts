import type { WriteOp } from '../work.js';
import { runEnd } from './batch.js';
import type { PgContext } from './statements.js';

/**
 * Locks the execution rows a batch of writes touches, in id order, before any op runs. Each op
 * locks its execution before the rows hanging off it, but a group commit holds many executions at
 * once: two workers' batches taking them in their own orders deadlocked (3 workers on one database:
 * a deadlock every few seconds, each costing deadlock_timeout and a retried batch). One order for
 * every batch makes lock waits queue instead of cycle; the cost is one statement per batch.
 */
export async function lockExecutionsOf(ctx: PgContext, ops: readonly WriteOp[]): Promise<void> {
  // A batch that is one run of advances (batch.ts) is one statement, which locks in id order itself.
  if (isOneAdvanceRun(ops)) return;
  const arns: string[] = [];
  const keys: string[] = [];
  const tokens: string[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'applyAdvance':
      case 'appendInbox':
      case 'redriveExecution':
      case 'claimExecution':
        arns.push(op.executionArn);
        break;
      case 'deliverTaskResult':
        keys.push(op.idempotencyKey);
        break;
      case 'completeTaskToken':
        tokens.push(op.token);
        break;
      case 'releaseClaims':
        if (op.executionArns !== undefined) arns.push(...op.executionArns);
        break;
      // New rows (createExecution) and claim renewals (skip locked rows) wait for no one's order.
      case 'createExecution':
      case 'acknowledgeEffect':
      case 'renewClaims':
        break;
    }
  }
  // One execution alone cannot be part of a cycle that its op's own order does not already avoid.
  if (arns.length + keys.length + tokens.length < 2) return;
  // node-postgres sends a JS array as a PostgreSQL array; runText's value type names only scalars.
  await ctx.runText('lock_executions_of_batch', LOCK_EXECUTIONS, [arns, keys, tokens] as never);
}

// The ids first, each source by its index, then the rows by id: as one `where arn = any … or id in …`
// the planner read the whole executions table for every batch.
const LOCK_EXECUTIONS = `
  select id from executions
  where id = any(array(
    select id from executions where arn = any($1::text[])
    union select execution_id from outbox where idempotency_key = any($2::text[])
    union select execution_id from task_tokens where token = any($3::text[])))
  order by id for update`;

/** The whole batch is one run of advances (batch.ts's rule), which one statement writes. */
function isOneAdvanceRun(ops: readonly WriteOp[]): boolean {
  return ops.length === 0 || (ops[0].kind === 'applyAdvance' && runEnd(ops, 0) === ops.length);
}
