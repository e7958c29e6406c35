// Issue #19, item 2: an HTTP Task through a real `stepwright server` process and the AWS SDK; the
// connection's API key comes from the file given with --http-connections.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE = 'arn:aws:iam::123456789012:role/test';
const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/Orders/5b0c4f2e-1111-2222-3333-444455556666';

let dir: string;
let api: http.Server;
let apiUrl: string;
const seenKeys: (string | undefined)[] = [];
let child: ChildProcess | undefined;
let sfn: SFNClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-http-task-'));
  api = http.createServer((req, res) => {
    seenKeys.push(req.headers['x-api-key'] as string | undefined);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/orders/404')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such order"}');
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ received: JSON.parse(Buffer.concat(chunks).toString() || 'null'), query: req.url }));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const connections = path.join(dir, 'connections.json');
  fs.writeFileSync(connections, JSON.stringify({ Orders: { AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'from-the-file' } } } }), { mode: 0o600 });

  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--data-dir', path.join(dir, 'data'), '--http-connections', connections, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stderr!.on('data', () => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 20_000);
    child!.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout}`)));
  });
  sfn = new SFNClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
}, 30_000);

afterAll(async () => {
  sfn?.destroy();
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  api?.closeAllConnections();
  await new Promise((r) => api?.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runToEnd(name: string, definition: object, input: object): Promise<{ status?: string; output?: string; error?: string; executionArn: string }> {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return { status: d.status, output: d.output, error: d.error, executionArn: executionArn! };
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('HTTP Task through stepwright server', () => {
  it('calls the API with the configured API key and returns AWS\'s result shape', async () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: { 'ApiEndpoint.$': "States.Format('{}/orders', $.base)", Method: 'POST', Authentication: { ConnectionArn: CONNECTION }, QueryParameters: { 'id.$': '$.id' }, 'RequestBody.$': '$.order' },
      ResultSelector: { 'status.$': '$.StatusCode', 'body.$': '$.ResponseBody' },
      End: true,
    };
    const r = await runToEnd('http-ok', { StartAt: 'Call', States: { Call: task } }, { base: apiUrl, id: '42', order: { sku: 'a', qty: 2 } });
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toEqual({ status: 201, body: { received: { sku: 'a', qty: 2 }, query: '/orders?id=42' } });
    expect(seenKeys.at(-1)).toBe('from-the-file');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: r.executionArn }));
    const scheduled = history.events!.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'http', resource: 'invoke' });
    expect(JSON.parse(scheduled.parameters!)).toMatchObject({ ApiEndpoint: `${apiUrl}/orders`, Method: 'POST' });
  });

  it('catches States.Http.StatusCode.404 and carries the response in the cause', async () => {
    const definition = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Parameters: { 'ApiEndpoint.$': "States.Format('{}/orders/404', $.base)", Method: 'GET', Authentication: { ConnectionArn: CONNECTION } },
          Catch: [{ ErrorEquals: ['States.Http.StatusCode.404'], ResultPath: '$.failure', Next: 'NotFound' }],
          End: true,
        },
        NotFound: { Type: 'Pass', Parameters: { 'error.$': '$.failure.Error', 'cause.$': 'States.StringToJson($.failure.Cause)' }, End: true },
      },
    };
    const r = await runToEnd('http-404', definition, { base: apiUrl });
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toMatchObject({ error: 'States.Http.StatusCode.404', cause: { StatusCode: 404, ResponseBody: { message: 'no such order' } } });
  });
});
