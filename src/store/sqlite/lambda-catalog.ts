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
import type { SqliteContext } from './statements.js';

// The Lambda catalog role on SQLite: versions, aliases, policies.

export function publishLambdaVersion({ db, s }: SqliteContext, functionName: string, config: string, now: number): LambdaVersionRecord {
  return db.transaction(() => {
    const { last_version: version } = s.bumpLambdaVersion.get(functionName) as { last_version: number };
    s.insertLambdaVersion.run(functionName, version, config, now);
    return { functionName, version, config, createdAt: now };
  })();
}

export function listLambdaVersions({ s }: SqliteContext, functionName: string): LambdaVersionRecord[] {
  return (s.listLambdaVersions.all(functionName) as LambdaVersionRow[]).map(toLambdaVersion);
}

export function deleteLambdaVersion({ s }: SqliteContext, functionName: string, version: number): boolean {
  return s.deleteLambdaVersion.run(functionName, version).changes > 0;
}

export function putLambdaAlias({ s }: SqliteContext, alias: LambdaAliasRecord): void {
  s.putLambdaAlias.run(...lambdaAliasValues(alias));
}

export function getLambdaAlias({ s }: SqliteContext, functionName: string, name: string): LambdaAliasRecord | undefined {
  const r = s.getLambdaAlias.get(functionName, name) as LambdaAliasRow | undefined;
  return r && toLambdaAlias(r);
}

export function listLambdaAliases({ s }: SqliteContext, functionName: string): LambdaAliasRecord[] {
  return (s.listLambdaAliases.all(functionName) as LambdaAliasRow[]).map(toLambdaAlias);
}

export function deleteLambdaAlias({ s }: SqliteContext, functionName: string, name: string): boolean {
  return s.deleteLambdaAlias.run(functionName, name).changes > 0;
}

export function putLambdaPolicy({ s }: SqliteContext, functionName: string, qualifier: string, policy: LambdaPolicyRecord | undefined): void {
  if (policy === undefined) s.deleteLambdaPolicy.run(functionName, qualifier);
  else s.putLambdaPolicy.run(functionName, qualifier, policy.policy, policy.revisionId);
}

export function getLambdaPolicy({ s }: SqliteContext, functionName: string, qualifier: string): LambdaPolicyRecord | undefined {
  const r = s.getLambdaPolicy.get(functionName, qualifier) as LambdaPolicyRow | undefined;
  return r && toLambdaPolicy(r);
}

export function deleteLambdaFunction({ db, s }: SqliteContext, functionName: string): void {
  db.transaction(() => {
    s.deleteLambdaVersions.run(functionName);
    s.deleteLambdaAliases.run(functionName);
    s.deleteLambdaPolicies.run(functionName);
    s.deleteLambdaFunction.run(functionName);
  })();
}
