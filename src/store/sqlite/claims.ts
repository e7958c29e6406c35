import type { Claim, Lease } from '../work.js';

/**
 * Who advances which execution, kept in memory: one process owns an SQLite data dir (open.ts locks
 * it), so a claim can only ever be seen by the process that made it, and a run that begins lets go
 * of every claim of the runs before it anyway. Writing them into the executions table (two columns
 * and an index entry set by every start and cleared by every last advance) cost a tenth of a
 * durable execution's CPU for nothing a reader could use.
 *
 * Claims change inside a commit's transaction: each change is journalled so that a commit that
 * rolls back takes its claims back with it.
 */
export class ExecutionClaims {
  private readonly held = new Map<string, Lease>();
  /** Each change of the running transaction: the ARN and its lease before (undefined: none). */
  private readonly journal: [string, Lease | undefined][] = [];
  private journalling = false;

  get(executionArn: string): Lease | undefined {
    return this.held.get(executionArn);
  }

  /** Granted when the execution is free, expired (at `claim.now`) or `claim.owner`'s already. */
  claim(executionArn: string, claim: Claim): boolean {
    const current = this.held.get(executionArn);
    if (current !== undefined && current.owner !== claim.owner && current.expiresAt > claim.now) return false;
    this.set(executionArn, { owner: claim.owner, expiresAt: claim.expiresAt });
    return true;
  }

  /** What an advance leaves: the claim it keeps, or none. */
  set(executionArn: string, lease: Lease | undefined): void {
    const before = this.held.get(executionArn);
    if (before === lease) return;
    if (this.journalling) this.journal.push([executionArn, before]);
    if (lease === undefined) this.held.delete(executionArn);
    else this.held.set(executionArn, lease);
  }

  release(executionArn: string, owner: string): void {
    if (this.held.get(executionArn)?.owner === owner) this.set(executionArn, undefined);
  }

  releaseAll(owner?: string): void {
    for (const [arn, lease] of this.held) if (owner === undefined || lease.owner === owner) this.set(arn, undefined);
  }

  renew(owner: string, expiresAt: number): void {
    for (const [arn, lease] of this.held) if (lease.owner === owner) this.set(arn, { owner, expiresAt });
  }

  /** How many executions another owner holds live at `now`: what a claiming query must look past. */
  heldByOthers(owner: string, now: number): number {
    let n = 0;
    for (const lease of this.held.values()) if (lease.owner !== owner && lease.expiresAt > now) n++;
    return n;
  }

  /** Runs `fn` (a transaction): if it throws, every claim it changed is as it was before. */
  transaction<T>(fn: () => T): T {
    this.journalling = true;
    try {
      return fn();
    } catch (e) {
      for (let i = this.journal.length - 1; i >= 0; i--) {
        const [arn, before] = this.journal[i];
        if (before === undefined) this.held.delete(arn);
        else this.held.set(arn, before);
      }
      throw e;
    } finally {
      this.journal.length = 0;
      this.journalling = false;
    }
  }
}
