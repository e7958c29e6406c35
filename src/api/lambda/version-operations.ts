import type { ApiContext, OperationRequest } from './api-context.js';
import { lookup } from './api-context.js';
import { functionNotFound, invalidParameter } from './errors.js';
import { checkRevision, managedOrThrow } from './function-operations.js';
import { functionArn, parseFunctionName } from './function-name.js';
import { functionConfiguration } from './function-record.js';
import { sendJson } from './http-exchange.js';
import { asBodyOrThrow, decodeMarker, encodeMarker, orThrow, readJson } from './operation-input.js';
import { listVersions } from './published-versions.js';
import { publishLatest } from './version-publish.js';

/** ListVersionsByFunction answers at most 50 versions per page, whatever MaxItems asks. */
const VERSIONS_PAGE_LIMIT = 50;

/** POST /2015-03-31/functions/{FunctionName}/versions */
export async function publishVersion(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const body = asBodyOrThrow(readJson(op));
  const name = orThrow(parseFunctionName(reference)).name;
  const published = await ctx.withLock(name, async () => {
    const latest = await managedOrThrow(ctx, reference);
    checkRevision(latest, typeof body.RevisionId === 'string' ? body.RevisionId : undefined);
    return publishLatest(ctx, latest, {
      ...(typeof body.Description === 'string' ? { description: body.Description } : {}),
      ...(typeof body.CodeSha256 === 'string' ? { codeSha256: body.CodeSha256 } : {}),
    });
  });
  sendJson(op.res, 201, functionConfiguration(published, ctx.identity), op.requestId);
}

/** GET /2015-03-31/functions/{FunctionName}/versions: $LATEST, then each published version. */
export async function listVersionsByFunction(ctx: ApiContext, op: OperationRequest, reference: string): Promise<void> {
  const parsed = orThrow(parseFunctionName(reference));
  const found = lookup(ctx, parsed.name);
  if (found === undefined) throw functionNotFound(functionArn(ctx.identity, parsed.name));
  const all = [found.record, ...(found.managed ? await listVersions(ctx, parsed.name) : [])];
  const maxItems = Math.min(Number(op.query.get('MaxItems') ?? VERSIONS_PAGE_LIMIT), VERSIONS_PAGE_LIMIT);
  const marker = op.query.get('Marker');
  let start = 0;
  if (marker !== null && marker !== '') {
    const after = decodeMarker(marker);
    start = all.findIndex((r) => (r.version ?? '$LATEST') === after) + 1;
    if (start === 0) throw invalidParameter(`Invalid Marker: ${marker}`);
  }
  const page = all.slice(start, start + maxItems);
  const out: Record<string, unknown> = { Versions: page.map((r) => functionConfiguration(r, ctx.identity, 'list')) };
  if (start + maxItems < all.length) out.NextMarker = encodeMarker(page[page.length - 1].version ?? '$LATEST');
  sendJson(op.res, 200, out, op.requestId);
}
