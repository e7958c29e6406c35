/**
 * ItemBatcher: a distributed Map's iterations each get a batch `{ "BatchInput"?: …, "Items": [...] }`
 * instead of one item. Batches are cut in item order at MaxItemsPerBatch items or before the batch's
 * JSON would pass MaxInputBytesPerBatch bytes (at most AWS's 256 KiB of state data either way).
 */
import type { Json } from '../../language/json.js';
import { MAX_PAYLOAD_BYTES, type MapState } from '../compile.js';
import { resolveNumber } from '../numbers.js';
import type { Frame } from '../snapshot.js';
import type { Outcome, StepContext } from '../step.js';
import { evaluateMapPayload } from './map-run.js';

/** The iterations' inputs: the items themselves without an ItemBatcher, else their batches (or why there are none). */
export async function batchItems(
  ctx: StepContext,
  frame: Frame,
  state: MapState,
  input: Json,
  items: Json[],
): Promise<Json[] | Extract<Outcome, { kind: 'fail' }>> {
  const batcher = state.itemBatcher;
  if (batcher === undefined) return items;
  const maxItems =
    batcher.maxItemsPerBatch === undefined
      ? 0
      : await resolveNumber(ctx, frame, state, batcher.maxItemsPerBatch, input, 'integer');
  const givenBytes =
    batcher.maxInputBytesPerBatch === undefined
      ? 0
      : await resolveNumber(ctx, frame, state, batcher.maxInputBytesPerBatch, input, 'integer');
  const maxBytes = givenBytes > 0 ? Math.min(givenBytes, MAX_PAYLOAD_BYTES) : MAX_PAYLOAD_BYTES;
  const batchInput =
    batcher.batchInput === undefined
      ? undefined
      : await evaluateMapPayload(ctx, frame, state, batcher.batchInput, input);
  return cutBatches(items, { maxItems, maxBytes, batchInput }) ?? itemTooLarge(state, maxBytes);
}

export interface BatchLimits {
  /** 0 = no limit on the count. */
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly batchInput?: Json;
}

/** Cuts `items` into batches; undefined when one item alone is over `maxBytes`. */
export function cutBatches(items: readonly Json[], limits: BatchLimits): Json[] | undefined {
  const wrap = (batch: Json[]): Json =>
    limits.batchInput === undefined ? { Items: batch } : { BatchInput: limits.batchInput, Items: batch };
  // `{"Items":[]}` (with its BatchInput): each item adds its own bytes and a comma after the first.
  const emptyBytes = Buffer.byteLength(JSON.stringify(wrap([])), 'utf8');
  const batches: Json[] = [];
  let current: Json[] = [];
  let bytes = emptyBytes;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item) ?? 'null', 'utf8');
    if (emptyBytes + itemBytes > limits.maxBytes) return undefined;
    const added = current.length === 0 ? itemBytes : itemBytes + 1;
    if (
      current.length > 0 &&
      ((limits.maxItems > 0 && current.length >= limits.maxItems) || bytes + added > limits.maxBytes)
    ) {
      batches.push(wrap(current));
      current = [];
      bytes = emptyBytes;
    }
    bytes += current.length === 0 ? itemBytes : itemBytes + 1;
    current.push(item);
  }
  if (current.length > 0) batches.push(wrap(current));
  return batches;
}

/** Our wording: AWS's for an item that fits no batch is not recorded. */
const itemTooLarge = (state: MapState, maxBytes: number): Extract<Outcome, { kind: 'fail' }> => ({
  kind: 'fail',
  error: 'States.Runtime',
  cause: `An item of the Map state '${state.name}' does not fit in a batch of MaxInputBytesPerBatch (${maxBytes} bytes).`,
});
