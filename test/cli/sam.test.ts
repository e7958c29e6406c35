import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import type { SamAppliedChange } from '../../src/app/sam/index.js';
import { runDev } from '../../src/cli/commands/dev.js';
import { runRun } from '../../src/cli/commands/run.js';
import { runServer } from '../../src/cli/commands/server.js';

const fixture = (name: string): string => path.join('test/fixtures/sam', name, 'template.yaml');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sfnAt = (endpoint: string): SFNClient =>
  new SFNClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const arnOf = (name: string): string => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

/** Function logs (`[function request-id] …`) and interpreter notes share stderr; test/cli/function-log-lines.test.ts checks them, here they are set aside. */
const withoutFunctionLines = (err: string): string =>
  err
    .split(/(?<=\n)/)
    .filter((l) => !/^\[\S+ [0-9a-f-]{36}\] /.test(l) && !/^function \S+: \S+ asked; runs on /.test(l))
    .join('');

async function run(argv: string[], onErr?: (err: string) => void): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRun(argv, {
    io: {
      out: (t) => (out += t),
      err: (t) => {
        err += t;
        onErr?.(withoutFunctionLines(err));
      },
    },
  });
  return { code, out, err: withoutFunctionLines(err) };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function execute(
  sfn: SFNClient,
  machine: string,
  input: unknown,
): Promise<{ status?: string; output?: unknown; error?: string }> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arnOf(machine), input: JSON.stringify(input) }),
  );
  return until(async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING'
      ? undefined
      : { status: d.status, output: d.output === undefined ? undefined : JSON.parse(d.output), error: d.error };
  }, 'the execution to end');
}

describe('stepwright run --sam', () => {
  it("runs the template's only state machine with its functions, naming what it skipped on stderr", async () => {
    const r = await run(['--sam', fixture('chain-of-responsibility'), '--input', '{"amount":500}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ approved: true, approvedBy: 'manager', trail: ['clerk', 'manager'] });
    expect(r.err).toBe(
      'skipped ExpenseApprovalStateMachine event ExpenseApi (Api): not run locally; start it through the API or the console\n' +
        'skipped ExpensesTable (AWS::Serverless::SimpleTable): not run locally\n',
    );
  });

  it('takes --parameter-overrides, and says which parameter has no value', async () => {
    const missing = await run(['--sam', fixture('retry-backoff')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /^stepwright run: test\/fixtures\/sam\/retry-backoff\/template\.yaml:\d+:\d+: Parameters\.AttemptsFile: has no Default; give it a value with --parameter-overrides AttemptsFile=VALUE\n$/,
    );
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-cli-'));
    scratch.push(shared);
    fs.chmodSync(shared, 0o777); // the function may run as nobody
    const r = await run([
      '--sam',
      fixture('retry-backoff'),
      '--parameter-overrides',
      `AttemptsFile=${path.join(shared, 'n')} FailuresBeforeSuccess=0`,
      '--input',
      '{"order":"o-2"}',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ ok: true, attempts: 1, order: 'o-2' });
  });

  it('chooses among several state machines with --state-machine, the others there for nested executions', async () => {
    const none = await run(['--sam', fixture('nested-workflow')]);
    expect(none.code).toBe(2);
    expect(none.err).toBe(
      'stepwright run: the template has 2 state machines; choose one with --state-machine NAME: GreetChild (ChildStateMachine), GreetParent (ParentStateMachine)\n',
    );
    const wrong = await run(['--sam', fixture('nested-workflow'), '--state-machine', 'Nope']);
    expect([wrong.code, wrong.err]).toEqual([
      2,
      "stepwright run: no state machine 'Nope' in the template; it has GreetChild (ChildStateMachine), GreetParent (ParentStateMachine)\n",
    ]);
    const r = await run([
      '--sam',
      fixture('nested-workflow'),
      '--state-machine',
      'ParentStateMachine',
      '--input',
      '{"names":["Ada"]}',
    ]);
    expect(r.err).toBe('');
    expect([r.code, JSON.parse(r.out)]).toEqual([0, [{ greeting: 'Hello, Ada!' }]]);
  });

  it("prints a human approval's token, and the printed endpoint answers it", async () => {
    let answered: Promise<unknown> | undefined;
    const r = await run(['--sam', fixture('human-approval'), '--input', '{"expense":"desk"}'], (err) => {
      const line = /send-task-success --endpoint-url (\S+) --task-token '([^']+)'/.exec(err);
      if (line === null || answered !== undefined) return;
      const client = sfnAt(line[1]);
      answered = client
        .send(new SendTaskSuccessCommand({ taskToken: line[2], output: '{"approved":true,"by":"grace"}' }))
        .finally(() => client.destroy());
    });
    await answered;
    expect(r.err).toMatch(
      /^skipped ApprovalTopic \(AWS::SNS::Topic\): not run locally\nRequestApproval waits for its task token:\n/,
    );
    expect([r.code, JSON.parse(r.out)]).toEqual([0, { status: 'approved', by: 'grace' }]);
  });

  it("answers the template's activity with --answer", async () => {
    const r = await run(['--sam', fixture('activity'), '--input', '{"order":"o-9"}', '--answer', '{"carrier":"dhl"}']);
    expect([r.code, JSON.parse(r.out)]).toEqual([0, { order: 'o-9', shipment: { carrier: 'dhl' } }]);
  });

  it('refuses a definition file and --sam together, and --state-machine without --sam', async () => {
    expect(await run(['m.json', '--sam', fixture('activity')])).toMatchObject({
      code: 2,
      err: 'stepwright run: give a DEFINITION file or --sam template.yaml, not both\n',
    });
    expect(await run([])).toMatchObject({
      code: 2,
      err: 'stepwright run: give a DEFINITION file or --sam template.yaml\n',
    });
    expect(await run(['m.json', '--state-machine', 'X'])).toMatchObject({
      code: 2,
      err: 'stepwright run: --state-machine is for --sam\n',
    });
  });
});

describe('stepwright server --sam', () => {
  it('serves the template, printing what it skipped, and refuses a template that does not load', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-server-'));
    scratch.push(data);
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
    const stop = new AbortController();
    const done = runServer(
      ['--sam', fixture('parallel-failure'), '--port', '0', '--data-dir', data, '--log-level', 'silent'],
      { io, signal: stop.signal },
    );
    const url = await until(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], `the banner; out: ${out} err: ${err}`);
    expect(out).toMatch(/^skipped NotifyRole \(AWS::IAM::Role\): not run locally\n/);
    const sfn = sfnAt(url);
    expect(await execute(sfn, 'ParallelWithFailure', { items: ['pen'], total: 3, card: 'declined' })).toMatchObject({
      status: 'FAILED',
      error: 'OrderFailed',
    });
    sfn.destroy();
    stop.abort();
    expect(await done).toBe(0);

    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-broken-'));
    scratch.push(broken);
    fs.writeFileSync(
      path.join(broken, 'template.yaml'),
      'Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: missing.json\n',
    );
    err = '';
    expect(
      await runServer(['--sam', path.join(broken, 'template.yaml'), '--port', '0', '--data-dir', data], { io }),
    ).toBe(1);
    expect(err).toMatch(
      /^stepwright server: \S+template\.yaml:5:22: Resources\.Flow\.Properties\.DefinitionUri: cannot read missing\.json: no such file/,
    );
  });

  it('refuses a state machine of the template that does not validate, naming its resource', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-invalid-'));
    scratch.push(dir);
    fs.writeFileSync(
      path.join(dir, 'template.yaml'),
      'Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition: { StartAt: A, States: { A: { Type: Pass, Next: Nowhere } } }\n',
    );
    let err = '';
    const code = await runServer(
      [
        '--sam',
        path.join(dir, 'template.yaml'),
        '--port',
        '0',
        '--data-dir',
        path.join(dir, 'data'),
        '--log-level',
        'silent',
      ],
      { io: { out: () => undefined, err: (t) => (err += t) } },
    );
    expect(code).toBe(1);
    expect(err).toMatch(/template\.yaml Resources\.Flow: InvalidDefinition: .*Nowhere/);
  });
});

describe('stepwright dev --sam', () => {
  it('reloads a function when its code changes, the template when it changes, and keeps the last good one live when it breaks', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-dev-'));
    scratch.push(root);
    fs.chmodSync(root, 0o755);
    fs.cpSync('test/fixtures/sam/nested-workflow', root, { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"commonjs"}');
    const template = path.join(root, 'template.yaml');
    const original = fs.readFileSync(template, 'utf8');
    let out = '';
    let err = '';
    const applied: SamAppliedChange[] = [];
    const stop = new AbortController();
    const done = runDev(['--sam', template, '--port', '0'], {
      io: { out: (t) => (out += t), err: (t) => (err += t) },
      signal: stop.signal,
      onSamApplied: (c) => applied.push(c),
    });
    try {
      const url = await until(
        () => /Stepwright dev on (http:\/\/\S+):/.exec(out)?.[1],
        `dev to start; out: ${out} err: ${err}`,
      );
      expect(out).toContain('function GreetFunction: loaded\n');
      expect(out).toContain('state machine GreetParent: loaded from');
      const sfn = sfnAt(url);
      expect(await execute(sfn, 'GreetParent', { names: ['Ada'] })).toMatchObject({
        output: [{ greeting: 'Hello, Ada!' }],
      });

      // An editor's atomic save of the function's code.
      applied.length = 0;
      const handler = path.join(root, 'functions/greet/handler.js');
      fs.writeFileSync(`${handler}.tmp`, 'exports.greet = async (event) => ({ greeting: `Hi, ${event.name}.` });\n');
      fs.renameSync(`${handler}.tmp`, handler);
      await until(
        () => applied.find((c) => c.kind === 'function' && c.action === 'registered'),
        'the function to reload',
      );
      expect(await execute(sfn, 'GreetParent', { names: ['Ada'] })).toMatchObject({
        output: [{ greeting: 'Hi, Ada.' }],
      });

      // A template that no longer loads: the error, and the machines stay.
      applied.length = 0;
      fs.writeFileSync(template, original.replace('!Ref ChildStateMachine', '!Ref NoSuchMachine'));
      await until(
        () => (err.includes('the previous version stays live') ? true : undefined),
        'the broken template to be reported',
      );
      expect(err).toMatch(
        /template\.yaml:\d+:\d+: Resources\.ParentStateMachine\.Properties\.DefinitionSubstitutions\.ChildArn\.Ref: Ref to 'NoSuchMachine': no parameter or resource of that name\n/,
      );
      expect(await execute(sfn, 'GreetParent', { names: ['Bo'] })).toMatchObject({ output: [{ greeting: 'Hi, Bo.' }] });

      // Fixed, with the child removed from the template and the parent calling the function itself.
      const parentOnly = [
        'Resources:',
        '  GreetFunction:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: functions/greet, Handler: handler.greet, Runtime: nodejs20.x }',
        '  ParentStateMachine:',
        '    Type: AWS::Serverless::StateMachine',
        '    Properties:',
        '      Name: GreetParent',
        '      Definition: { StartAt: G, States: { G: { Type: Task, Resource: !GetAtt GreetFunction.Arn, End: true } } }',
        '',
      ].join('\n');
      fs.writeFileSync(template, parentOnly);
      await until(
        () => applied.find((c) => c.kind === 'stateMachine' && c.name === 'GreetParent' && c.action === 'updated'),
        `the parent to update; err: ${err}`,
      );
      expect(applied.filter((c) => c.kind === 'stateMachine').map((c) => [c.name, c.action])).toEqual([
        ['GreetChild', 'deleted'],
        ['GreetParent', 'updated'],
      ]);
      expect(out).toContain('state machine GreetChild: no longer in');
      expect(await execute(sfn, 'GreetParent', { name: 'Cy' })).toMatchObject({ output: { greeting: 'Hi, Cy.' } });
      sfn.destroy();
    } finally {
      stop.abort();
      expect(await done).toBe(0);
    }
    // The data dir under the template's folder is not watched: nothing reloaded while it was written.
    expect(fs.existsSync(path.join(root, '.stepwright'))).toBe(true);
  });
  it('loads a function once its CodeUri folder is built, the rest running meanwhile', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-build-'));
    scratch.push(root);
    fs.chmodSync(root, 0o755);
    fs.writeFileSync(
      path.join(root, 'template.yaml'),
      [
        'Resources:',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: dist/, Handler: index.handler, Runtime: nodejs20.x }',
        '  Flow:',
        '    Type: AWS::Serverless::StateMachine',
        '    Properties:',
        '      Definition: { StartAt: Call, States: { Call: { Type: Task, Resource: !GetAtt Fn.Arn, End: true } } }',
        '',
      ].join('\n'),
    );
    let out = '';
    let err = '';
    const applied: SamAppliedChange[] = [];
    const stop = new AbortController();
    const done = runDev(['--sam', path.join(root, 'template.yaml'), '--port', '0'], {
      io: { out: (t) => (out += t), err: (t) => (err += t) },
      signal: stop.signal,
      onSamApplied: (c) => applied.push(c),
    });
    try {
      const url = await until(
        () => /Stepwright dev on (http:\/\/\S+):/.exec(out)?.[1],
        `dev to start; out: ${out} err: ${err}`,
      );
      expect(out).toMatch(/^skipped Fn \(AWS::Serverless::Function\): its CodeUri dist\/ does not exist \(/);
      expect(out).toContain('state machine Flow: loaded from');
      const sfn = sfnAt(url);
      expect(await execute(sfn, 'Flow', {})).toMatchObject({ status: 'FAILED' });
      fs.mkdirSync(path.join(root, 'dist'));
      fs.writeFileSync(path.join(root, 'dist/index.js'), 'exports.handler = async () => ({ built: true });\n');
      await until(
        () => applied.find((c) => c.kind === 'function' && c.name === 'Fn'),
        `the function to load; out: ${out} err: ${err}`,
      );
      expect(await execute(sfn, 'Flow', {})).toMatchObject({ status: 'SUCCEEDED', output: { built: true } });
      sfn.destroy();
    } finally {
      stop.abort();
      expect(await done).toBe(0);
    }
  });
});
