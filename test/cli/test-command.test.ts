import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient, StartExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { runRun } from '../../src/cli/commands/run.js';
import { runServer } from '../../src/cli/commands/server.js';
import { runTest } from '../../src/cli/commands/test.js';

const MACHINE = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Card.Busy'], IntervalSeconds: 600, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['Card.Declined'], Next: 'Declined' }],
      OutputPath: '$.Payload',
      Next: 'Cool down',
    },
    'Cool down': { Type: 'Wait', Seconds: 3600, Next: 'Notify' },
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', 'Message.$': '$' },
      End: true,
    },
    Declined: { Type: 'Fail', Error: 'Declined', Cause: 'card declined' },
  },
};

const MOCKS = {
  StateMachines: {
    orders: {
      TestCases: {
        Paid: { Charge: 'Charged', Notify: 'Published' },
        BusyThenPaid: { Charge: 'BusyOnce', Notify: 'Published' },
        Declined: { Charge: 'Declined' },
      },
    },
  },
  MockedResponses: {
    Charged: { '0': { Return: { StatusCode: 200, Payload: { paid: true } } } },
    BusyOnce: {
      '0': { Throw: { Error: 'Card.Busy', Cause: 'try later' } },
      '1': { Return: { StatusCode: 200, Payload: { paid: true } } },
    },
    Published: { '0': { Return: { MessageId: 'm-1' } } },
    Declined: { '0': { Throw: { Error: 'Card.Declined', Cause: 'insufficient funds' } } },
  },
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-test-cmd-'));
  dirs.push(dir);
  for (const [name, value] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return dir;
}

async function capture(
  run: (io: { out: (t: string) => void; err: (t: string) => void }) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run({ out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const test = (argv: string[]) => capture((io) => runTest(argv, { io, env: {} }));

describe('stepwright test', () => {
  it('runs every test case of the mock file and prints PASS with state and transition coverage', async () => {
    const dir = project({
      'state-machines/orders.asl.json': MACHINE,
      'MockConfigFile.json': MOCKS,
      'expect.json': {
        StateMachines: {
          orders: {
            TestCases: {
              Paid: { Input: { order: 1 }, Output: { MessageId: 'm-1' } },
              Declined: { Status: 'FAILED', Error: 'Declined' },
            },
          },
        },
      },
    });
    const r = await test([
      '--mock-config',
      path.join(dir, 'MockConfigFile.json'),
      '--expect',
      path.join(dir, 'expect.json'),
      '--definitions-dir',
      path.join(dir, 'state-machines'),
    ]);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'PASS orders#Paid  states 3/4 (75%), transitions 2/3 (67%)',
      'PASS orders#BusyThenPaid  states 3/4 (75%), transitions 2/3 (67%)',
      'PASS orders#Declined  states 2/4 (50%), transitions 1/3 (33%)',
      'coverage orders: states 4/4 (100%), transitions 3/3 (100%)',
      '3 passed, 0 failed',
      '',
    ]);
    expect(r.code).toBe(0);
  });

  it('prints FAIL with what differs and exits 1', async () => {
    const dir = project({
      'orders.asl.json': MACHINE,
      'MockConfigFile.json': MOCKS,
      'expect.json': { StateMachines: { orders: { TestCases: { Paid: { Output: { MessageId: 'other' } } } } } },
    });
    const r = await test([
      '--mock-config',
      path.join(dir, 'MockConfigFile.json'),
      '--expect',
      path.join(dir, 'expect.json'),
    ]);
    expect(r.out).toContain('FAIL orders#Paid');
    expect(r.out).toContain('     output {"MessageId":"m-1"}, expected {"MessageId":"other"}');
    // Without an expectation a case must succeed.
    expect(r.out).toContain(
      'FAIL orders#Declined  states 2/4 (50%), transitions 1/3 (33%)\n     status FAILED (Declined: card declined), expected SUCCEEDED',
    );
    expect(r.out).toContain('1 passed, 2 failed');
    expect(r.code).toBe(1);
  });

  it('fails the cases of a machine it has no definition for', async () => {
    const dir = project({ 'MockConfigFile.json': MOCKS });
    const r = await test(['--mock-config', path.join(dir, 'MockConfigFile.json'), '--definitions-dir', dir]);
    expect(r.out).toContain(
      `FAIL orders#Paid\n     no definition orders.asl.json (or .json, .express.asl.json) in ${dir}`,
    );
    expect(r.code).toBe(1);
  });

  it('refuses a mock file that is not valid, naming the file and the JSON place, with exit code 2', async () => {
    const dir = project({
      'MockConfigFile.json': {
        StateMachines: { orders: { TestCases: { Paid: { Charge: 'Nope' } } } },
        MockedResponses: {},
      },
    });
    const file = path.join(dir, 'MockConfigFile.json');
    const r = await test(['--mock-config', file]);
    expect(r.err).toBe(
      `${file}: /StateMachines/orders/TestCases/Paid/Charge: names mocked response 'Nope', which /MockedResponses does not define\n`,
    );
    expect(r.code).toBe(2);
    expect((await test([])).code).toBe(2);
  });
});

describe('--mock-config on run and server', () => {
  it('stepwright run --test-case runs the definition on the test case mocks', async () => {
    const dir = project({ 'orders.asl.json': MACHINE, 'MockConfigFile.json': MOCKS });
    const r = await capture((io) =>
      runRun(
        [
          path.join(dir, 'orders.asl.json'),
          '--mock-config',
          path.join(dir, 'MockConfigFile.json'),
          '--test-case',
          'BusyThenPaid',
          '--time-scale',
          '0',
        ],
        { io },
      ),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ MessageId: 'm-1' });
  });

  it('stepwright server --mock-config answers an SDK StartExecution of MACHINE_ARN#TestCase from the mocks', async () => {
    const dir = project({ 'state-machines/orders.asl.json': MACHINE, 'MockConfigFile.json': MOCKS });
    const stop = new AbortController();
    let out = '';
    const done = runServer(
      [
        '--port',
        '0',
        '--data-dir',
        path.join(dir, '.stepwright'),
        '--definitions-dir',
        path.join(dir, 'state-machines'),
        '--mock-config',
        path.join(dir, 'MockConfigFile.json'),
        '--time-scale',
        '0',
        '--log-level',
        'silent',
      ],
      {
        io: { out: (t) => (out += t), err: () => undefined },
        signal: stop.signal,
      },
    );
    try {
      while (!/listening on (http:\/\/[^\s]+)/.test(out)) await new Promise((r) => setTimeout(r, 20));
      const url = /listening on (http:\/\/[^\s]+)/.exec(out)![1];
      const sfn = new SFNClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders#Paid',
          input: '{}',
        }),
      );
      let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      while (d.status === 'RUNNING') {
        await new Promise((r) => setTimeout(r, 20));
        d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      expect(d.output).toBe('{"MessageId":"m-1"}');
      sfn.destroy();
    } finally {
      stop.abort();
      await done;
    }
  });
});
