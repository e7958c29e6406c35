import type { LambdaAliasRecord, LambdaPolicyRecord, LambdaVersionRecord } from '../lambda-catalog.js';
import {
  lambdaAliasValues,
  toLambdaAlias,
  toLambdaPolicy,
  toLambdaVersion,
  type LambdaAliasRow,
  type LambdaPolicyRow,
  type LambdaVersionRow,
} from '../lambda-rows.js';
import type { PgContext } from './statements.js';

// The Lambda catalog role on PostgreSQL: versions, aliases, policies.

export function publishLambdaVersion(ctx: PgContext, functionName: string, config: string, now: number): Promise<LambdaVersionRecord> {
  // The counter's row lock orders two publishers of one function, whichever process they run in.
  return ctx.transaction(async (t) => {
    const version = Number((await t.run<{ last_version: number }>('bumpLambdaVersion', [functionName])).rows[0].last_version);
    await t.run('insertLambdaVersion', [functionName, version, config, now]);
    return { functionName, version, config, createdAt: now };
  });
}

export async function listLambdaVersions(ctx: PgContext, functionName: string): Promise<LambdaVersionRecord[]> {
  return (await ctx.run<LambdaVersionRow>('listLambdaVersions', [functionName])).rows.map(toLambdaVersion);
}

export async function deleteLambdaVersion(ctx: PgContext, functionName: string, version: number): Promise<boolean> {
  return ((await ctx.run('deleteLambdaVersion', [functionName, version])).rowCount ?? 0) > 0;
}

export async function putLambdaAlias(ctx: PgContext, alias: LambdaAliasRecord): Promise<void> {
  await ctx.run('putLambdaAlias', lambdaAliasValues(alias));
}

export async function getLambdaAlias(ctx: PgContext, functionName: string, name: string): Promise<LambdaAliasRecord | undefined> {
  const r = (await ctx.run<LambdaAliasRow>('getLambdaAlias', [functionName, name])).rows[0];
  return r && toLambdaAlias(r);
}

export async function listLambdaAliases(ctx: PgContext, functionName: string): Promise<LambdaAliasRecord[]> {
  return (await ctx.run<LambdaAliasRow>('listLambdaAliases', [functionName])).rows.map(toLambdaAlias);
}

export async function deleteLambdaAlias(ctx: PgContext, functionName: string, name: string): Promise<boolean> {
  return ((await ctx.run('deleteLambdaAlias', [functionName, name])).rowCount ?? 0) > 0;
}

export async function putLambdaPolicy(ctx: PgContext, functionName: string, qualifier: string, policy: LambdaPolicyRecord | undefined): Promise<void> {
  if (policy === undefined) await ctx.run('deleteLambdaPolicy', [functionName, qualifier]);
  else await ctx.run('putLambdaPolicy', [functionName, qualifier, policy.policy, policy.revisionId]);
}

export async function getLambdaPolicy(ctx: PgContext, functionName: string, qualifier: string): Promise<LambdaPolicyRecord | undefined> {
  const r = (await ctx.run<LambdaPolicyRow>('getLambdaPolicy', [functionName, qualifier])).rows[0];
  return r && toLambdaPolicy(r);
}

export function deleteLambdaFunction(ctx: PgContext, functionName: string): Promise<void> {
  return ctx.transaction(async (t) => {
    await t.run('deleteLambdaVersions', [functionName]);
    await t.run('deleteLambdaAliases', [functionName]);
    await t.run('deleteLambdaPolicies', [functionName]);
    await t.run('deleteLambdaFunction', [functionName]);
  });
}
