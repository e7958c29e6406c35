import { randomUUID } from 'node:crypto';
import type { ApiContext } from './api-context.js';
import { invalidParameter } from './errors.js';
import { lambdaTimestamp, toRuntimeConfig, type FunctionRecord } from './function-record.js';
import { isSameVersion, listVersions, toVersionRecord } from './published-versions.js';

export interface PublishOptions {
  /** PublishVersion's Description: the version's own, instead of $LATEST's. */
  readonly description?: string;
  /** PublishVersion's CodeSha256: publish only if $LATEST still has this code. */
  readonly codeSha256?: string;
}

/**
 * Publishes `latest` (the $LATEST record, already saved) as the next version: its code folder and
 * configuration are kept as they are now, and the runtime runs them under `name:N`. Unchanged
 * code and configuration publish nothing: Lambda answers with the last version.
 */
export async function publishLatest(ctx: ApiContext, latest: FunctionRecord, options: PublishOptions): Promise<FunctionRecord> {
  if (options.codeSha256 !== undefined && options.codeSha256 !== latest.codeSha256) {
    throw invalidParameter(
      `CodeSHA256 (${options.codeSha256}) is different from current CodeSHA256 in $LATEST(${latest.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
    );
  }
  const versions = await listVersions(ctx, latest.name);
  const last = versions[versions.length - 1];
  if (last !== undefined && isSameVersion(latest, last)) return last;
  const now = new Date();
  const { version: _latest, reservedConcurrency: _function, ...snapshot } = latest;
  const config: FunctionRecord = {
    ...snapshot,
    description: options.description ?? latest.description,
    lastModified: lambdaTimestamp(now),
    revisionId: randomUUID(),
  };
  const published = toVersionRecord(await ctx.catalog.publishLambdaVersion(latest.name, JSON.stringify(config), now.getTime()));
  ctx.runtime.register(toRuntimeConfig(published, ctx.store.codeDir(published)));
  return published;
}
