import type { LambdaAliasRecord, LambdaPolicyRecord, LambdaVersionRecord } from './lambda-catalog.js';

// Rows of the Lambda catalog tables as both backends read them (PostgreSQL bigints arrive as strings).

export interface LambdaVersionRow {
  function_name: string;
  version: number | string;
  config: string;
  created_at: number | string;
}

export interface LambdaAliasRow {
  function_name: string;
  name: string;
  function_version: string;
  description: string;
  weights: string | null;
  revision_id: string;
  created_at: number | string;
  updated_at: number | string;
}

export interface LambdaPolicyRow {
  policy: string;
  revision_id: string;
}

export function toLambdaVersion(r: LambdaVersionRow): LambdaVersionRecord {
  return { functionName: r.function_name, version: Number(r.version), config: r.config, createdAt: Number(r.created_at) };
}

export function toLambdaAlias(r: LambdaAliasRow): LambdaAliasRecord {
  return {
    functionName: r.function_name,
    name: r.name,
    functionVersion: r.function_version,
    description: r.description,
    ...(r.weights !== null ? { additionalVersionWeights: JSON.parse(r.weights) as Record<string, number> } : {}),
    revisionId: r.revision_id,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function lambdaAliasValues(a: LambdaAliasRecord): (string | number | null)[] {
  const weights = a.additionalVersionWeights === undefined ? null : JSON.stringify(a.additionalVersionWeights);
  return [a.functionName, a.name, a.functionVersion, a.description, weights, a.revisionId, a.createdAt, a.updatedAt];
}

export function toLambdaPolicy(r: LambdaPolicyRow): LambdaPolicyRecord {
  return { policy: r.policy, revisionId: r.revision_id };
}
