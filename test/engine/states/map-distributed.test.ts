import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/engine/index.js';
import type { TaskRequest, TaskResult } from '../../../src/engine/types.js';
import { cutBatches } from '../../../src/engine/states/map-batching.js';
import { output, RecordingResources, run, single, skeleton, types } from '../fixtures.js';

const DISTRIBUTED = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
let processors = 0;
const processor = (state: Record<string, unknown>) => ({
  ProcessorConfig: DISTRIBUTED,
  StartAt: `P${++processors}`,
  States: { [`P${processors}`]: { ...state, End: true } },
});

describe('ItemBatcher', () => {
  it('cuts batches at MaxItemsPerBatch and adds BatchInput to each', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'tag.$': '$.tag' } },
        ItemsPath: '$.items',
        ItemProcessor: processor({ Type: 'Pass' }),
      }),
      { input: { items: [1, 2, 3, 4, 5], tag: 't' } },
    );
    expect(output(r)).toEqual([
      { BatchInput: { tag: 't' }, Items: [1, 2] },
      { BatchInput: { tag: 't' }, Items: [3, 4] },
      { BatchInput: { tag: 't' }, Items: [5] },
    ]);
  });

  it('reads MaxItemsPerBatchPath from the input and applies ItemSelector to each item before batching', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemBatcher: { MaxItemsPerBatchPath: '$.size' },
        ItemsPath: '$.items',
        ItemSelector: { 'v.$': '$$.Map.Item.Value' },
        ItemProcessor: processor({ Type: 'Pass' }),
      }),
      { input: { items: ['a', 'b', 'c'], size: 3 } },
    );
    expect(output(r)).toEqual([{ Items: [{ v: 'a' }, { v: 'b' }, { v: 'c' }] }]);
  });

  it('takes JSONata expressions for its sizes and BatchInput', async () => {
    const r = await run(
      single(
        {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemBatcher: {
            MaxItemsPerBatch: '{% $states.input.n %}',
            BatchInput: { count: '{% $count($states.input.items) %}' },
          },
          ItemProcessor: processor({ Type: 'Pass' }),
        },
        { QueryLanguage: 'JSONata' },
      ),
      { input: { items: [1, 2, 3], n: 2 } },
    );
    expect(output(r)).toEqual([
      { BatchInput: { count: 3 }, Items: [1, 2] },
      { BatchInput: { count: 3 }, Items: [3] },
    ]);
  });

  it('starts a new batch before one would pass MaxInputBytesPerBatch', () => {
    // {"Items":[]} is 12 bytes; "aaaa" is 6: two fit in 25 bytes ({"Items":["aaaa","aaaa"]} = 25), three do not.
    expect(cutBatches(['aaaa', 'aaaa', 'aaaa'], { maxItems: 0, maxBytes: 25 })).toEqual([
      { Items: ['aaaa', 'aaaa'] },
      { Items: ['aaaa'] },
    ]);
    expect(cutBatches(['aaaaaaaaaaaaaaaaaaaa'], { maxItems: 0, maxBytes: 25 })).toBeUndefined();
  });

  it('fails the Map when an item alone is over MaxInputBytesPerBatch', async () => {
    const r = await run(
      single({ Type: 'Map', ItemBatcher: { MaxInputBytesPerBatch: 20 }, ItemProcessor: processor({ Type: 'Pass' }) }),
      {
        input: ['a long item that does not fit'],
      },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
});

describe('ItemReader', () => {
  const reader = {
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: { InputType: 'JSON', MaxItemsPath: '$.max' },
    Parameters: { 'Bucket.$': '$.bucket', Key: 'k.json' },
  };

  it('asks the resources for the items, with its parameters and ReaderConfig, and iterates over the answer', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, (req: TaskRequest): TaskResult =>
      req.itemReader !== undefined ? { ok: true, output: [{ a: 1 }, { a: 2 }] } : { ok: false, error: 'X', cause: '' },
    );
    const r = await run(single({ Type: 'Map', ItemReader: reader, ItemProcessor: processor({ Type: 'Pass' }) }), {
      input: { bucket: 'b', max: '2' },
      clock,
      resources,
    });
    expect(output(r)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(resources.requests[0]).toMatchObject({
      resource: reader.Resource,
      parameters: { Bucket: 'b', Key: 'k.json' },
      itemReader: { readerConfig: { InputType: 'JSON' }, maxItems: 2 },
    });
    // AWS records length 0 for items that come from a reader.
    expect(skeleton(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapRunStarted'],
      [5, 4, 'MapRunSucceeded'],
      [6, 5, 'MapStateSucceeded'],
      [7, 5, 'MapStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
  });

  it('fails the Map Run with the reader failure (States.ItemReaderFailed)', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, () => ({
      ok: false,
      error: 'States.ItemReaderFailed',
      cause: 'CSV headers cannot contain duplicates.',
    }));
    const r = await run(single({ Type: 'Map', ItemReader: reader, ItemProcessor: processor({ Type: 'Pass' }) }), {
      input: { bucket: 'b', max: 1 },
      clock,
      resources,
    });
    expect(r).toMatchObject({
      status: 'FAILED',
      error: 'States.ItemReaderFailed',
      cause: 'CSV headers cannot contain duplicates.',
    });
    expect(types(r.events).slice(-3)).toEqual(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
  });

  it('fails clearly without resources that read items, instead of ignoring the reader', async () => {
    const r = await run(single({ Type: 'Map', ItemReader: reader, ItemProcessor: processor({ Type: 'Pass' }) }), {
      input: { bucket: 'b', max: 1 },
    });
    expect(r.status).toBe('FAILED');
    expect(types(r.events)).toContain('MapRunFailed');
  });
});

describe('ResultWriter', () => {
  it('hands every iteration to the writer and outputs the Map Run ARN with the writer details', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, (req: TaskRequest): TaskResult =>
      req.resultWriter !== undefined
        ? { ok: true, output: { ResultWriterDetails: { Bucket: 'out', Key: 'p/manifest.json' } } }
        : { ok: false, error: 'X', cause: '' },
    );
    const r = await run(
      single({
        Type: 'Map',
        Label: 'L',
        ItemProcessor: processor({ Type: 'Pass' }),
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'p' } },
      }),
      { input: ['x', 'y'], clock, resources },
    );
    const out = output(r) as { MapRunArn: string; ResultWriterDetails: unknown };
    expect(out.MapRunArn).toMatch(/^arn:aws:states:[^:]+:\d+:mapRun:[^/]+\/L:uuid-\d+$/);
    expect(out.ResultWriterDetails).toEqual({ Bucket: 'out', Key: 'p/manifest.json' });
    const writer = resources.requests[0].resultWriter!;
    expect(writer.mapRunArn).toBe(out.MapRunArn);
    expect(writer.children.map((c) => [c.status, c.input, c.output])).toEqual([
      ['SUCCEEDED', 'x', 'x'],
      ['SUCCEEDED', 'y', 'y'],
    ]);
  });

  it('reports tolerated failures as FAILED children', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, (req: TaskRequest): TaskResult =>
      req.resultWriter !== undefined ? { ok: true, output: {} } : { ok: false, error: 'E', cause: 'c' },
    );
    await run(
      single({
        Type: 'Map',
        ToleratedFailurePercentage: 100,
        ItemProcessor: processor({ Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' }),
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'p' } },
      }),
      { input: [1], clock, resources },
    );
    const writer = resources.requests.find((q) => q.resultWriter !== undefined)!.resultWriter!;
    expect(writer.children).toMatchObject([{ status: 'FAILED', error: 'E', cause: 'c', input: 1 }]);
  });
});

describe('distributed Map tolerance', () => {
  it('reads ToleratedFailureCountPath after MapStateStarted (test_map_state_tolerated_failure_count_path[NoNumber])', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemsPath: '$.Items',
        ToleratedFailureCountPath: '$.n',
        ItemProcessor: processor({ Type: 'Pass' }),
      }),
      { input: { Items: [0], n: 'NoNumber' } },
    );
    expect(types(r.events)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'ExecutionFailed']);
    expect(r.error).toBe('States.Runtime');
  });
});
