import type { LambdaCatalogStore, LambdaVersionRecord } from '../../store/index.js';
import type { FunctionRecord } from './function-record.js';

/** Version qualifiers are numbers; anything else that is not `$LATEST` names an alias. */
export function isVersionNumber(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}

/** A published version as the API sees it: the configuration it was published with, numbered. */
export function toVersionRecord(v: LambdaVersionRecord): FunctionRecord {
  // The config is the FunctionRecord this API wrote when it published the version.
  return { ...(JSON.parse(v.config) as FunctionRecord), version: String(v.version) };
}

type VersionReader = { readonly catalog: Pick<LambdaCatalogStore, 'listLambdaVersions'> };

/** The published versions of a function, oldest first. */
export async function listVersions(ctx: VersionReader, name: string): Promise<FunctionRecord[]> {
  return (await ctx.catalog.listLambdaVersions(name)).map(toVersionRecord);
}

export async function versionOf(ctx: VersionReader, name: string, version: string): Promise<FunctionRecord | undefined> {
  return (await listVersions(ctx, name)).find((v) => v.version === version);
}

/**
 * Whether publishing `latest` would publish what `version` already is: Lambda publishes no new
 * version when neither the code nor the configuration changed since the last one.
 */
export function isSameVersion(latest: FunctionRecord, version: FunctionRecord): boolean {
  const keys: (keyof FunctionRecord)[] = [
    'codeSha256', 'runtime', 'handler', 'role', 'timeout', 'memorySize', 'architectures', 'ephemeralStorageSize', 'tracingMode', 'logFormat',
  ];
  return keys.every((k) => JSON.stringify(latest[k]) === JSON.stringify(version[k])) && JSON.stringify(latest.environment ?? {}) === JSON.stringify(version.environment ?? {});
}
