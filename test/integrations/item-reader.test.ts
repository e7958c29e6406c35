import { mkdtempSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/language/json.js';
import { parseResourceArn } from '../../src/language/resource-arn.js';
import { virtualClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { createItemReaderIntegration, MAX_READ_BYTES, type ObjectStore } from '../../src/integrations/item-reader.js';
import { localObjectStore, s3ObjectStore } from '../../src/integrations/object-stores.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import type { TaskResult } from '../../src/integrations/contract.js';
import { motoCredentials, startMoto, type MotoServer } from './moto-server.js';

const GET = 'arn:aws:states:::s3:getObject';
const LIST = 'arn:aws:states:::s3:listObjectsV2';

function read(objects: ObjectStore, resource: string, parameters: Json, readerConfig: { [k: string]: Json }, maxItems?: number): Promise<TaskResult> {
  const reader = createItemReaderIntegration(objects);
  return reader.invoke({ resource, arn: parseResourceArn(resource), parameters, executionArn: 'arn:x', stateName: 'M', itemReader: { readerConfig, ...(maxItems !== undefined ? { maxItems } : {}) } });
}

describe('ItemReader on a local folder', () => {
  let root: string;
  let objects: ObjectStore;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'item-reader-'));
    mkdirSync(path.join(root, 'data/parts'), { recursive: true });
    writeFileSync(path.join(root, 'data/items.json'), JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]));
    writeFileSync(path.join(root, 'data/object.json'), JSON.stringify({ a: 1 }));
    writeFileSync(path.join(root, 'data/items.jsonl'), '{"a":1}\n\n{"a":2}\r\n');
    writeFileSync(path.join(root, 'data/items.csv'), 'Col1,Col2\nValue1,"Va,lue ""2"""\ntrue,1\n');
    writeFileSync(path.join(root, 'data/pipe.csv'), 'x|y\n');
    writeFileSync(path.join(root, 'data/parts/a.csv.gz'), gzipSync('bkt,k1\nbkt,k2\n'));
    writeFileSync(path.join(root, 'data/manifest.json'), JSON.stringify({ fileFormat: 'CSV', fileSchema: 'Bucket, Key', files: [{ key: 'parts/a.csv.gz' }] }));
    objects = localObjectStore(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads a JSON array, up to MaxItems', async () => {
    expect(await read(objects, GET, { Bucket: 'file://data', Key: 'items.json' }, { InputType: 'JSON' }, 2)).toEqual({ ok: true, output: [{ a: 1 }, { a: 2 }] });
  });

  it('fails with AWS’s words when the JSON is not an array (test_map_item_reader_json_no_json_list_object)', async () => {
    expect(await read(objects, GET, { Bucket: './data', Key: 'object.json' }, { InputType: 'JSON' })).toEqual({ ok: false, error: 'States.ItemReaderFailed', cause: 'Attempting to map over non-iterable node.' });
  });

  it('reads JSON Lines, skipping blank lines', async () => {
    expect(await read(objects, GET, { Bucket: 'file://data', Key: 'items.jsonl' }, { InputType: 'JSONL' })).toEqual({ ok: true, output: [{ a: 1 }, { a: 2 }] });
  });

  it('reads CSV with the first row as headers, every value a string, quotes unescaped', async () => {
    expect(await read(objects, GET, { Bucket: 'file://data', Key: 'items.csv' }, { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).toEqual({
      ok: true,
      output: [
        { Col1: 'Value1', Col2: 'Va,lue "2"' },
        { Col1: 'true', Col2: '1' },
      ],
    });
  });

  it('reads CSV with given headers and another delimiter, and refuses duplicate headers', async () => {
    expect(await read(objects, GET, { Bucket: 'file://data', Key: 'pipe.csv' }, { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['H1', 'H2'], CSVDelimiter: 'PIPE' })).toEqual({
      ok: true,
      output: [{ H1: 'x', H2: 'y' }],
    });
    expect(await read(objects, GET, { Bucket: 'file://data', Key: 'items.csv' }, { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['H1', 'H1'] })).toEqual({
      ok: false,
      error: 'States.ItemReaderFailed',
      cause: 'CSV headers cannot contain duplicates.',
    });
  });

  it('reads an S3 Inventory manifest and the gzipped CSV files it lists', async () => {
    expect(await read(objects, GET, { Bucket: 'file://data', Key: 'manifest.json' }, { InputType: 'MANIFEST' })).toEqual({
      ok: true,
      output: [
        { Bucket: 'bkt', Key: 'k1' },
        { Bucket: 'bkt', Key: 'k2' },
      ],
    });
  });

  it('lists a folder as listObjectsV2 lists a bucket, with Prefix', async () => {
    const r = await read(objects, LIST, { Bucket: 'file://data', Prefix: 'items.' }, {});
    expect(r.ok && (r.output as { Key: string }[]).map((o) => o.Key)).toEqual(['items.csv', 'items.json', 'items.jsonl']);
    expect(r.ok && (r.output as Record<string, unknown>[])[0]).toMatchObject({ Size: expect.any(Number), LastModified: expect.any(Number), StorageClass: 'STANDARD' });
  });

  it('refuses a key that leads out of the project folder', async () => {
    const r = await read(objects, GET, { Bucket: 'file://data', Key: '../../../etc/passwd' }, { InputType: 'JSON' });
    expect(r).toMatchObject({ ok: false, error: 'States.ItemReaderFailed' });
    expect(!r.ok && r.cause).toMatch(/outside the project folder/);
  });

  it('refuses an object larger than it keeps, before reading it', async () => {
    writeFileSync(path.join(root, 'data/huge.json'), '');
    truncateSync(path.join(root, 'data/huge.json'), MAX_READ_BYTES + 1); // sparse: no disk written
    const r = await read(objects, GET, { Bucket: 'file://data', Key: 'huge.json' }, { InputType: 'JSON' });
    expect(r).toMatchObject({ ok: false, error: 'States.ItemReaderFailed' });
    expect(!r.ok && r.cause).toMatch(/more than the \d+ bytes/);
  });

  it('feeds a distributed Map end to end', async () => {
    const clock = virtualClock();
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: { Resource: GET, ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'file://data', Key: 'items.csv' } },
          ItemBatcher: { MaxItemsPerBatch: 1 },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', OutputPath: '$.Items[0].Col1', End: true } } },
          End: true,
        },
      },
    };
    const r = await runExecution(definition, { clock, resources: createTaskRouter([createItemReaderIntegration(objects)]) });
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toEqual(['Value1', 'true']);
  });
});

describe('ItemReader on S3 (moto_server)', () => {
  let moto: MotoServer;
  let objects: ReturnType<typeof s3ObjectStore>;
  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: motoCredentials });
    await client.send(new CreateBucketCommand({ Bucket: 'items' }));
    await client.send(new PutObjectCommand({ Bucket: 'items', Key: 'in/a.json', Body: JSON.stringify(['x', 'y']) }));
    await client.send(new PutObjectCommand({ Bucket: 'items', Key: 'in/b.csv', Body: 'h\nv\n' }));
    client.destroy();
    objects = s3ObjectStore({ endpoint: moto.endpoint, credentials: motoCredentials });
  }, 60_000);
  afterAll(async () => {
    objects?.close();
    await moto?.stop();
  });

  it('reads an object with s3:getObject', async () => {
    expect(await read(objects, GET, { Bucket: 'items', Key: 'in/a.json' }, { InputType: 'JSON' })).toEqual({ ok: true, output: ['x', 'y'] });
    expect(await read(objects, GET, { Bucket: 'items', Key: 'in/b.csv' }, { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).toEqual({ ok: true, output: [{ h: 'v' }] });
  });

  it('lists a bucket with s3:listObjectsV2 as AWS hands the objects to iterations', async () => {
    const r = await read(objects, LIST, { Bucket: 'items', Prefix: 'in/' }, {}, 1);
    expect(r).toMatchObject({ ok: true, output: [{ Key: 'in/a.json', Size: 9, StorageClass: 'STANDARD', Etag: expect.stringMatching(/^".+"$/) }] });
  });

  it('fails the read with States.ItemReaderFailed when the object does not exist', async () => {
    expect(await read(objects, GET, { Bucket: 'items', Key: 'nope' }, { InputType: 'JSON' })).toMatchObject({ ok: false, error: 'States.ItemReaderFailed' });
  });
});
