// `--aws-endpoint` and the project's aws.json, through `stepwright run`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRun } from '../../src/cli/commands/run.js';
import { hasMotoServer, MOTO_CREDENTIALS, startMotoServer, type MotoServer } from '../moto-server.js';

const available = await hasMotoServer();
if (!available && process.env.CI === 'true') throw new Error('moto_server is not on PATH (CI=true)');
if (!available) console.warn('skipping the AWS CLI tests: moto_server is not on PATH');

let moto: MotoServer;
let sqs: SQSClient;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-aws-cli-'));
  if (!available) return;
  moto = await startMotoServer();
  sqs = new SQSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await moto?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRun(argv, { io: { out: (t) => (out += t), err: (t) => (err += t) } });
  return { code, out, err };
}

function definition(folder: string, queueUrl: string): string {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'send.asl.json');
  fs.writeFileSync(file, JSON.stringify({ StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: queueUrl, 'MessageBody.$': '$' }, End: true } } }));
  return file;
}

describe('stepwright run with AWS endpoints', () => {
  it('refuses an --aws-endpoint that is not SERVICE=URL with exit code 2, naming the flag', async () => {
    const r = await run([definition(path.join(dir, 'bad'), 'http://q'), '--aws-endpoint', 'nosuch=http://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--aws-endpoint: unknown service 'nosuch'");
  });

  it.skipIf(!available)('sends to the SQS endpoint of --aws-endpoint', async () => {
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'cli-flag' }));
    const r = await run([definition(path.join(dir, 'flag'), QueueUrl), '--input', '{"n":1}', '--aws-endpoint', `sqs=${moto.endpoint}`]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ MessageId: expect.any(String), SdkHttpMetadata: { HttpStatusCode: 200 } });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('{"n":1}');
  });

  it.skipIf(!available)("sends to the endpoint of the project's aws.json beside the state-machines folder", async () => {
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'cli-project' }));
    const project = path.join(dir, 'project');
    const file = definition(path.join(project, 'state-machines'), QueueUrl);
    fs.writeFileSync(path.join(project, 'aws.json'), JSON.stringify({ credentials: MOTO_CREDENTIALS, endpoints: { sqs: moto.endpoint } }));
    const r = await run([file, '--input', '"hello"']);
    expect(r.code, r.err).toBe(0);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('hello');
  });
});
