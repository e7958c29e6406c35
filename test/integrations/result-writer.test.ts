import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { localObjectStore, s3ObjectStore } from '../../src/integrations/object-stores.js';
import { createResultWriterIntegration } from '../../src/integrations/result-writer.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import type { ObjectStore } from '../../src/integrations/item-reader.js';
import { motoCredentials, startMoto, type MotoServer } from './moto-server.js';

const definition = (bucket: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      Label: 'Jobs',
      ToleratedFailurePercentage: 50,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$', StringEquals: 'bad', Next: 'Bad' }], Default: 'Good' },
          Bad: { Type: 'Fail', Error: 'Item.Bad', Cause: 'bad item' },
          Good: { Type: 'Pass', End: true },
        },
      },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'runs/' }, ...extra },
      End: true,
    },
  },
});

async function runWith(objects: ObjectStore, bucket: string, extra: Record<string, unknown> = {}) {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const r = await runExecution(definition(bucket, extra), { clock, input: ['ok', 'bad', 'fine'], resources: createTaskRouter([createResultWriterIntegration(objects)]) });
  expect(r.status).toBe('SUCCEEDED');
  return JSON.parse(r.output!) as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
}

describe('ResultWriter on a local folder', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'result-writer-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the manifest and one file per status under Prefix/<map run id>/, and outputs where', async () => {
    const out = await runWith(localObjectStore(root), 'file://results');
    const runId = out.MapRunArn.split(':').pop()!;
    expect(out.MapRunArn).toMatch(/:mapRun:[^/]+\/Jobs:/);
    expect(out.ResultWriterDetails).toEqual({ Bucket: 'file://results', Key: `runs/${runId}/manifest.json` });
    const file = (key: string): unknown => JSON.parse(readFileSync(path.join(root, 'results', key), 'utf8'));
    const manifest = file(out.ResultWriterDetails.Key) as { ResultFiles: Record<string, { Key: string; Size: number }[]>; MapRunArn: string };
    expect(manifest.MapRunArn).toBe(out.MapRunArn);
    expect(manifest.ResultFiles.PENDING).toEqual([]);
    expect(manifest.ResultFiles.SUCCEEDED.map((f) => f.Key)).toEqual([`runs/${runId}/SUCCEEDED_0.json`]);
    const succeeded = file(manifest.ResultFiles.SUCCEEDED[0].Key) as Record<string, unknown>[];
    expect(succeeded.map((r) => [r.Input, r.Output, r.Status])).toEqual([
      ['"ok"', '"ok"', 'SUCCEEDED'],
      ['"fine"', '"fine"', 'SUCCEEDED'],
    ]);
    expect(succeeded[0].ExecutionArn).toMatch(/:execution:[^/]+\/Jobs:/);
    const failed = file(manifest.ResultFiles.FAILED[0].Key) as Record<string, unknown>[];
    expect(failed).toMatchObject([{ Input: '"bad"', Status: 'FAILED', Error: 'Item.Bad', Cause: 'bad item', RedriveStatus: 'REDRIVABLE' }]);
  });

  it('writes JSON Lines when WriterConfig OutputType is JSONL', async () => {
    const out = await runWith(localObjectStore(root), 'file://jsonl', { WriterConfig: { OutputType: 'JSONL' } });
    const folder = path.join(root, 'jsonl', path.dirname(out.ResultWriterDetails.Key));
    const lines = readFileSync(path.join(folder, 'SUCCEEDED_0.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { Output: string }).Output)).toEqual(['"ok"', '"fine"']);
  });
});

describe('ResultWriter on S3 (moto_server)', () => {
  let moto: MotoServer;
  let client: S3Client;
  beforeAll(async () => {
    moto = await startMoto();
    client = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: motoCredentials });
    await client.send(new CreateBucketCommand({ Bucket: 'results' }));
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('puts the manifest and the result files in the bucket', async () => {
    const objects = s3ObjectStore({ endpoint: moto.endpoint, credentials: motoCredentials });
    try {
      const out = await runWith(objects, 'results');
      const got = await client.send(new GetObjectCommand({ Bucket: 'results', Key: out.ResultWriterDetails.Key }));
      const manifest = JSON.parse(await got.Body!.transformToString()) as { DestinationBucket: string; ResultFiles: { SUCCEEDED: { Key: string }[] } };
      expect(manifest.DestinationBucket).toBe('results');
      const results = await client.send(new GetObjectCommand({ Bucket: 'results', Key: manifest.ResultFiles.SUCCEEDED[0].Key }));
      expect((JSON.parse(await results.Body!.transformToString()) as unknown[]).length).toBe(2);
    } finally {
      objects.close();
    }
  });

  it('fails the Map with States.ResultWriterFailed when the bucket does not exist', async () => {
    const objects = s3ObjectStore({ endpoint: moto.endpoint, credentials: motoCredentials });
    try {
      const r = await runExecution(definition('missing-bucket'), { clock: virtualClock(), input: ['ok'], resources: createTaskRouter([createResultWriterIntegration(objects)]) });
      expect(r).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });
    } finally {
      objects.close();
    }
  });
});
