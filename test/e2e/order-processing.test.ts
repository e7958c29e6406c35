import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskFailureCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
const sample = JSON.parse(fs.readFileSync(path.join(root, 'examples/order-processing/sample-input.json'), 'utf8')) as Record<string, unknown>;
const runId = Date.now().toString(36);

let child: ChildProcess;
let stdout = '';
let url = '';
let dataDir: string;
let sfn: SFNClient;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-e2e-'));
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--data-dir', dataDir, '--project', 'examples/order-processing', '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', () => undefined);
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 20_000);
    const check = (): void => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout}`)));
  });
  sfn = new SFNClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
}, 30_000);

afterAll(async () => {
  sfn?.destroy();
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const order = (id: string, patch: Record<string, unknown> = {}): string => JSON.stringify({ ...sample, orderId: `${id}-${runId}`, ...patch });
const bigOrder = (id: string): string => order(id, { items: [{ sku: 'DESK-9', quantity: 2, price: 400 }] });

async function awaitDone(executionArn: string): Promise<{ status?: string; output?: string; error?: string; cause?: string }> {
  for (let i = 0; i < 400; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${executionArn} still running`);
}

/** The approval request's token, from the TaskScheduled event of RequestApproval. */
async function approvalToken(executionArn: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }));
    const e = h.events?.find((x) => x.type === 'TaskScheduled' && x.taskScheduledEventDetails?.resource === 'invoke.waitForTaskToken');
    if (e !== undefined) return (JSON.parse(e.taskScheduledEventDetails!.parameters!) as { Payload: { taskToken: string } }).Payload.taskToken;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no approval request');
}

async function savedStatus(orderId: string): Promise<string> {
  const r = await run('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select status from orders where order_id=?", (sys.argv[2],)).fetchone()[0])', '/tmp/stepwright-example/orders.sqlite', orderId]);
  return r.stdout.trim();
}

describe('stepwright server with the order-processing example', () => {
  it('prints the URL and ready-to-paste AWS CLI lines that run the sample order to SUCCEEDED', async () => {
    const banner = stdout.slice(stdout.indexOf('Try it'));
    const lines = banner.split('\n').slice(1).filter((l) => l.startsWith('  ')).map((l) => l.trim());
    expect(lines[1]).toContain(`aws stepfunctions start-execution --endpoint-url ${url} --state-machine-arn ${MACHINE} --input '`);
    const pasted = await run('bash', ['-c', lines.join('\n')], { env: { PATH: process.env.PATH, HOME: os.tmpdir() } });
    expect(JSON.parse(pasted.stdout)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('names the one client setting StartSyncExecution and TestState need', () => {
    expect(stdout).toContain(`StartSyncExecution and TestState: the SDKs send them to sync-${url.replace(/^https?:\/\//, '')}`);
    expect(stdout).toContain('disableHostPrefix: true (SDK v3)');
  });

  it('answers GET /health', async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('runs an order to SUCCEEDED from the AWS CLI, saving it with the Python function', async () => {
    const started = await run('aws', ['stepfunctions', 'start-execution', '--endpoint-url', url, '--state-machine-arn', MACHINE, '--name', `cli-${runId}`, '--input', order('cli')], { env: awsEnv });
    const { executionArn } = JSON.parse(started.stdout) as { executionArn: string };
    expect(executionArn).toBe(`arn:aws:states:us-east-1:123456789012:execution:order-processing:cli-${runId}`);
    await awaitDone(executionArn);
    const described = JSON.parse((await run('aws', ['stepfunctions', 'describe-execution', '--endpoint-url', url, '--execution-arn', executionArn], { env: awsEnv })).stdout) as {
      status: string;
      output: string;
    };
    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(described.output) as { saved: { statusCode: number; body: { status: string } }; reservations: unknown[]; fulfilment: { invoice: { invoiceNumber: string } } };
    expect(output.saved).toMatchObject({ statusCode: 200, body: { status: 'SAVED' } });
    expect(output.reservations).toHaveLength(2);
    expect(output.fulfilment.invoice.invoiceNumber).toBe(`INV-cli-${runId}`);
    const history = JSON.parse((await run('aws', ['stepfunctions', 'get-execution-history', '--endpoint-url', url, '--execution-arn', executionArn], { env: awsEnv })).stdout) as {
      events: { type: string }[];
    };
    const types = history.events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toEqual(expect.arrayContaining(['ChoiceStateEntered', 'MapStateStarted', 'ParallelStateSucceeded', 'TaskSucceeded']));
    expect(await savedStatus(`cli-${runId}`)).toBe('SAVED');
  });

  it('waits for approval of a large order and goes on when boto3 approves it', async () => {
    const script = `
import boto3, json, sys, time
c = boto3.client('stepfunctions', endpoint_url=sys.argv[1])
arn = c.start_execution(stateMachineArn=sys.argv[2], input=sys.argv[3])['executionArn']
token = None
for _ in range(400):
    for e in c.get_execution_history(executionArn=arn, reverseOrder=True)['events']:
        if e['type'] == 'TaskScheduled' and e['taskScheduledEventDetails']['resource'] == 'invoke.waitForTaskToken':
            token = json.loads(e['taskScheduledEventDetails']['parameters'])['Payload']['taskToken']
    if token: break
    time.sleep(0.025)
c.send_task_success(taskToken=token, output=json.dumps({'approved': True, 'approver': 'boto3'}))
for _ in range(400):
    d = c.describe_execution(executionArn=arn)
    if d['status'] != 'RUNNING': break
    time.sleep(0.025)
print(json.dumps({'status': d['status'], 'output': d.get('output')}))
`;
    const r = await run('python3', ['-c', script, url, MACHINE, bigOrder('approved')], { env: awsEnv });
    const result = JSON.parse(r.stdout) as { status: string; output: string };
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output)).toMatchObject({ total: 800, approval: { approved: true, approver: 'boto3' } });
  });

  it('fails a large order whose approval is refused', async () => {
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: bigOrder('rejected') }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: await approvalToken(s.executionArn!), error: 'Rejected', cause: 'too expensive' }));
    expect(await awaitDone(s.executionArn!)).toMatchObject({ status: 'FAILED', error: 'OrderRejected', cause: 'The order needed a manual approval and did not get it.' });
  });

  it('cancels the order when the card is declined, with the payment error as the execution error', async () => {
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: order('declined', { payment: { card: '4000000000000000' } }) }));
    const d = await awaitDone(s.executionArn!);
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('PaymentDeclined');
    expect(JSON.parse(d.cause!)).toMatchObject({ errorType: 'PaymentDeclined', errorMessage: `Card ending 0000 was declined for order declined-${runId}` });
    expect(await savedStatus(`declined-${runId}`)).toBe('CANCELLED');
  });

  it('retries a transient payment error and succeeds', async () => {
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: order('transient', { payment: { card: '4242424242424242', simulate: 'transient' } }) }));
    expect((await awaitDone(s.executionArn!)).status).toBe('SUCCEEDED');
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 1000 }));
    const failed = h.events!.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failed).toEqual(['PaymentServiceUnavailable']);
  });

  it('stops an execution that waits for approval', async () => {
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: bigOrder('stopped') }));
    await approvalToken(s.executionArn!);
    await sfn.send(new StopExecutionCommand({ executionArn: s.executionArn, error: 'Cancelled', cause: 'customer changed their mind' }));
    expect(await awaitDone(s.executionArn!)).toMatchObject({ status: 'ABORTED', error: 'Cancelled' });
  });

  it('serves the Lambda API for the same functions on the same port', async () => {
    const lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials });
    const r = await lambda.send(new InvokeCommand({ FunctionName: 'validate-order', Payload: Buffer.from(order('lambda')) }));
    lambda.destroy();
    expect(JSON.parse(Buffer.from(r.Payload!).toString())).toMatchObject({ valid: true, total: 37, inStock: true });
  });

  it('answers bad requests in AWS error shape, never a 500', async () => {
    const post = (target: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }, body });
    const cases: [string, string, string][] = [
      ['AWSStepFunctions.Nope', '{}', 'UnknownOperationException'],
      ['AWSStepFunctions.StartExecution', '{not json', 'SerializationException'],
      ['AWSStepFunctions.StartExecution', '{"stateMachineArn": 5}', 'SerializationException'],
      ['AWSStepFunctions.DescribeExecution', '{"executionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x"}', 'InvalidArn'],
      ['AWSStepFunctions.DescribeExecution', '{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:order-processing:ghost"}', 'ExecutionDoesNotExist'],
      ['AWSStepFunctions.StartExecution', `{"stateMachineArn": "${MACHINE}", "input": "${'x'.repeat(2 * 1024 * 1024)}"}`, 'ValidationException'],
    ];
    for (const [target, body, type] of cases) {
      const res = await post(target, body);
      expect(res.status, type).toBeGreaterThanOrEqual(400);
      expect(res.status, type).toBeLessThan(500);
      expect(((await res.json()) as { __type: string }).__type).toBe(type);
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(stdout).toContain('Stepwright stopped');
  });
});
