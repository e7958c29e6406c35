import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetActivityTaskCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { runRun } from '../../src/cli/commands/run.js';

function files(entries: Record<string, string>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwright-run-'));
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return (name) => join(dir, name);
}

async function run(argv: string[], onErr?: (err: string) => void): Promise<{ code: number; out: string; err: string; functionLogs: string }> {
  let out = '';
  let err = '';
  const code = await runRun(argv, {
    io: {
      out: (t) => (out += t),
      err: (t) => {
        err += t;
        onErr?.(err);
      },
    },
  });
  // Function logs (each line `[function request-id] …`) and which interpreter runs what are
  // stderr's too; test/cli/function-log-lines.test.ts checks them, here they are set aside.
  const isFunctionLine = (line: string): boolean => /^\[\S+ [0-9a-f-]{36}\] /.test(line) || /^function \S+: \S+ asked; runs on /.test(line);
  const lines = err.split(/(?<=\n)/);
  return { code, out, err: lines.filter((l) => !isFunctionLine(l)).join(''), functionLogs: lines.filter(isFunctionLine).join('') };
}

const sfnAt = (endpoint: string): SFNClient => new SFNClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

const EXAMPLE = 'examples/order-processing/state-machines/order-processing.asl.json';
/** Above 500: the example's approval path (RequestApproval, `.waitForTaskToken` on the notify function). */
const bigOrder = JSON.stringify({
  orderId: 'order-big',
  customer: { name: 'Ada', email: 'ada@example.com' },
  items: [{ sku: 'LAMP-3', quantity: 10, price: 80 }],
  payment: { card: '4242424242424242' },
});

const passMachine = JSON.stringify({
  StartAt: 'Greet',
  States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello {}', $.name)" }, End: true } },
});

describe('stepwright run', () => {
  it('prints the output of a succeeded execution and exits 0', async () => {
    const f = files({ 'm.json': passMachine });
    const r = await run([f('m.json'), '--input', '{"name":"Ada"}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ greeting: 'Hello Ada' });
  });

  it('reads the input from a file given as @file and a YAML definition', async () => {
    const f = files({
      'm.yaml': 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    ResultPath: $.seen\n    Result: true\n    End: true\n',
      'in.json': '{"x": 1}',
    });
    const r = await run([f('m.yaml'), '--input', `@${f('in.json')}`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ x: 1, seen: true });
  });

  it('prints error and cause and exits 1 when the execution fails', async () => {
    const f = files({ 'm.json': JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'it broke' } } }) });
    const r = await run([f('m.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('FAILED: Oops\nit broke\n');
  });

  it('prints one JSON document with the status, output and AWS history events with --history', async () => {
    const f = files({ 'm.json': passMachine });
    const r = await run([f('m.json'), '--input', '{"name":"Ada"}', '--history']);
    const document = JSON.parse(r.out) as { status: string; output: unknown; events: { type: string; id: number; previousEventId: number }[] };
    expect(document.status).toBe('SUCCEEDED');
    expect(document.output).toEqual({ greeting: 'Hello Ada' });
    expect(document.events.map((e) => [e.type, e.id, e.previousEventId])).toEqual([
      ['ExecutionStarted', 1, 0],
      ['PassStateEntered', 2, 0],
      ['PassStateExited', 3, 2],
      ['ExecutionSucceeded', 4, 3],
    ]);
  });

  it('prints one JSON document with error and cause with --history when the execution fails', async () => {
    const f = files({ 'm.json': JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'it broke' } } }) });
    const r = await run([f('m.json'), '--history']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'FAILED', error: 'Oops', cause: 'it broke', events: [{ type: 'ExecutionStarted' }, { type: 'FailStateEntered' }, { type: 'ExecutionFailed' }] });
  });

  it('refuses an invalid definition with diagnostics naming the place', async () => {
    const f = files({ 'm.json': JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Ship' } } }) });
    const r = await run([f('m.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('/States/A/Next');
  });

  it('refuses input that is not JSON', async () => {
    const f = files({ 'm.json': passMachine });
    const r = await run([f('m.json'), '--input', '{nope']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^InvalidExecutionInput: /);
  });
});

describe('stepwright run with a project', () => {
  it("runs Lambda Task states with the project's functions (TypeScript and Python)", async () => {
    const r = await run([
      'examples/order-processing/state-machines/order-processing.asl.json',
      '--input',
      '@examples/order-processing/sample-input.json',
    ]);
    expect(r.err).toBe('');
    expect(r.functionLogs).toMatch(/^\[save-order \S+\] order order-1001 SAVED/m);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { orderId: string; fulfilment: { invoice: { invoiceNumber: string } } };
    expect(out.orderId).toBe('order-1001');
    expect(out.fulfilment.invoice.invoiceNumber).toBe('INV-order-1001');
  });
});

describe('stepwright run serves every task the server serves', () => {
  it("answers the example's approval (.waitForTaskToken) with --answer", async () => {
    const r = await run([EXAMPLE, '--input', bigOrder, '--answer', '{"approved":true,"approver":"cli"}']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('answered RequestApproval with --answer\n');
    const out = JSON.parse(r.out) as { approval: unknown; total: number; fulfilment: { invoice: { invoiceNumber: string } } };
    expect(out.total).toBe(800);
    expect(out.approval).toEqual({ approved: true, approver: 'cli' });
    expect(out.fulfilment.invoice.invoiceNumber).toBe('INV-order-big');
  });

  it('prints the token and a ready-to-paste send-task-success line, and the printed endpoint answers it', async () => {
    let answered: Promise<unknown> | undefined;
    const r = await run([EXAMPLE, '--input', bigOrder], (err) => {
      const line = /aws stepfunctions send-task-success --endpoint-url (\S+) --task-token '([^']+)' --task-output '\{\}'\n/.exec(err);
      if (line === null || answered !== undefined) return;
      const client = sfnAt(line[1]);
      answered = client.send(new SendTaskSuccessCommand({ taskToken: line[2], output: '{"approved":false}' })).finally(() => client.destroy());
    });
    await answered;
    expect(r.err).toMatch(/^RequestApproval waits for its task token:\n {2}\S+\nAnswer it from another shell \(the API serves on http:\/\/127\.0\.0\.1:\d+ until the execution ends\):\n {2}AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 aws stepfunctions send-task-success/);
    // The approver said no: the example's CheckApproval rejects the order.
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FAILED: OrderRejected\nThe order needed a manual approval and did not get it.\n$/);
  });

  const activityMachine = JSON.stringify({
    StartAt: 'Review',
    States: { Review: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:review', ResultPath: '$.review', End: true } },
  });

  it('answers activity tasks with --answer', async () => {
    const f = files({ 'm.json': activityMachine });
    const r = await run([f('m.json'), '--input', '{"doc":1}', '--answer', '{"ok":true}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ doc: 1, review: { ok: true } });
  });

  it('serves the API while an activity task waits, so a worker can poll it and answer', async () => {
    const f = files({ 'm.json': activityMachine });
    let worked: Promise<unknown> | undefined;
    const r = await run([f('m.json'), '--input', '{"doc":2}'], (err) => {
      const line = /get-activity-task --endpoint-url (\S+) --activity-arn (\S+)\n/.exec(err);
      if (line === null || worked !== undefined) return;
      const client = sfnAt(line[1]);
      worked = (async () => {
        const task = await client.send(new GetActivityTaskCommand({ activityArn: line[2], workerName: 'test-worker' }));
        const input = JSON.parse(task.input!) as { doc: number };
        await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ reviewed: input.doc }) }));
      })().finally(() => client.destroy());
    });
    await worked;
    expect(r.err).toContain('Review waits for a worker of activity arn:aws:states:us-east-1:123456789012:activity:review.');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ doc: 2, review: { reviewed: 2 } });
  });

  it("starts the project's other state machines as nested executions (.sync:2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwright-run-nested-'));
    mkdirSync(join(dir, 'state-machines'));
    writeFileSync(join(dir, 'state-machines', 'child.asl.json'), JSON.stringify({ StartAt: 'D', States: { D: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } }));
    const parent = join(dir, 'state-machines', 'parent.asl.json');
    writeFileSync(
      parent,
      JSON.stringify({
        StartAt: 'Child',
        States: {
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child', Input: { 'n.$': '$.n' } },
            OutputPath: '$.Output',
            End: true,
          },
        },
      }),
    );
    const r = await run([parent, '--input', '{"n":21}']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ doubled: 42 });
    // --definitions-dir names the folder when the definition lives elsewhere.
    copyFileSync(parent, join(dir, 'parent.json'));
    expect((await run([join(dir, 'parent.json'), '--input', '{"n":2}'])).err).toMatch(/StateMachineDoesNotExist|does not exist/);
    const elsewhere = await run([join(dir, 'parent.json'), '--input', '{"n":2}', '--definitions-dir', join(dir, 'state-machines')]);
    expect(JSON.parse(elsewhere.out)).toEqual({ doubled: 4 });
  });
});

describe('stepwright run with HTTP Tasks', () => {
  it('authenticates with the connection file given by --http-connections, and names a bad file', async () => {
    const seen: (string | undefined)[] = [];
    const api = createServer((req, res) => {
      seen.push(req.headers['x-api-key'] as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/orders`;
      const f = files({
        'machine.json': JSON.stringify({
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: 'arn:aws:states:::http:invoke',
              Parameters: { ApiEndpoint: url, Method: 'GET', Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/Orders/5b0c4f2e-1111-2222-3333-444455556666' } },
              OutputPath: '$.ResponseBody',
              End: true,
            },
          },
        }),
        'connections.json': JSON.stringify({ Orders: { AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'from-the-file' } } } }),
        'broken.json': JSON.stringify({ Orders: { AuthorizationType: 'NONE' } }),
      });
      const r = await run([f('machine.json'), '--http-connections', f('connections.json')]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ ok: true });
      expect(seen).toEqual(['from-the-file']);
      const bad = await run([f('machine.json'), '--http-connections', f('broken.json')]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/Orders/);
    } finally {
      await new Promise((r) => api.close(r));
    }
  });
});
