import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, DescribeStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDev } from '../../src/cli/commands/dev.js';
import { folderFingerprint, type AppliedChange } from '../../src/cli/watch-project.js';

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-dev-'));
const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
};
/** An editor's atomic save: the new text goes to a temporary file renamed over the original. */
const saveAtomically = (file: string, text: string): void => {
  const tmp = path.join(project, path.dirname(file), `.${path.basename(file)}.swp~`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, path.join(project, file));
};
const handler = (version: number): string => `exports.handler = async (event) => ({ version: ${version}, got: event });\n`;
const machine = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:hello', End: true, ...extra } },
  });
const counter = (edit: number): string => JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { edit }, End: true } } });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let out = '';
let err = '';
const applied: AppliedChange[] = [];
const stop = new AbortController();
let done: Promise<number>;
let sfn: SFNClient;
let lambda: LambdaClient;
const arnOf = (name: string): string => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

async function until(predicate: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; out: ${out} err: ${err}`);
    await sleep(20);
  }
}

async function runOnce(name: string, machineName = 'flow'): Promise<unknown> {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arnOf(machineName), name, input: '{"n":1}' }));
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d.status === 'SUCCEEDED' ? JSON.parse(d.output!) : `${d.status} ${d.error} ${d.cause}`;
    await sleep(20);
  }
}

async function invoke(name: string): Promise<unknown> {
  const r = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  return JSON.parse(Buffer.from(r.Payload!).toString()) as unknown;
}

const definitionOf = async (name: string): Promise<string | undefined> => (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf(name) }))).definition;

/**
 * Which edits a burst applied, in order: each applied change must be one of the edits, and a
 * later one than the change before it (an older save is never applied over a newer one). The
 * edits missing from the list were superseded: a later one was applied after them.
 */
function appliedEdits(changes: readonly AppliedChange[], editOf: (change: AppliedChange) => number): number[] {
  const edits = changes.map(editOf);
  for (const e of edits) expect(e, 'an applied change that is none of the edits').toBeGreaterThan(0);
  for (let i = 1; i < edits.length; i++) expect(edits[i], `edit ${edits[i]} applied after edit ${edits[i - 1]}`).toBeGreaterThan(edits[i - 1]);
  return edits;
}

beforeAll(async () => {
  write('functions/hello/index.js', handler(1));
  write('functions/bye/index.js', handler(0));
  write('functions/burst/index.js', handler(0));
  write('state-machines/flow.asl.json', machine());
  write('state-machines/counter.asl.json', counter(0));
  write('state-machines/doomed.asl.json', counter(0));
  done = runDev([project, '--port', '0', '--log-level', 'silent'], {
    io: { out: (t) => (out += t), err: (t) => (err += t) },
    signal: stop.signal,
    onApplied: (c) => applied.push(c),
  });
  await until(() => out.includes('Stepwright dev on '), 'the server');
  const url = /on (http:\/\/[^:]+:\d+)/.exec(out)![1];
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  sfn = new SFNClient(config);
  lambda = new LambdaClient(config);
});

afterAll(async () => {
  stop.abort();
  expect(await done).toBe(0);
  sfn.destroy();
  lambda.destroy();
  fs.rmSync(project, { recursive: true, force: true });
});

describe('stepwright dev', () => {
  it('loads the project before it says it is ready', () => {
    expect(out).toContain('function hello: loaded');
    expect(out).toContain('state machine flow: loaded from');
    expect(applied.filter((c) => c.kind === 'stateMachine').map((c) => c.name)).toEqual(['counter', 'doomed', 'flow']);
  });

  it('serves the project and reloads a function when its code changes', async () => {
    expect(await runOnce('first')).toEqual({ version: 1, got: { n: 1 } });
    write('functions/hello/index.js', handler(2));
    await until(() => out.includes('function hello: reloaded'), 'the function reload');
    expect(await runOnce('second')).toEqual({ version: 2, got: { n: 1 } });
  });

  it('applies 50 rapid edits of a definition: the last one is live, each other one applied in order or superseded', async () => {
    const from = applied.length;
    // Gaps from none to twice the settle time: some saves coalesce, some are applied one by one.
    for (let edit = 1; edit <= 50; edit++) {
      write('state-machines/counter.asl.json', counter(edit));
      await sleep((edit % 5) * 30);
    }
    await until(async () => (await definitionOf('counter')) === counter(50), 'the 50th edit to be live');
    const changes = applied.slice(from).filter((c) => c.kind === 'stateMachine' && c.name === 'counter');
    const edits = appliedEdits(changes, (c) => (c.kind === 'stateMachine' ? Array.from({ length: 51 }, (_, i) => counter(i)).indexOf(c.definition ?? '') : -1));
    expect(edits.at(-1)).toBe(50);
    expect(await runOnce('counted', 'counter')).toEqual({ edit: 50 });
  });

  it("applies 50 rapid edits of a function's code: the last one runs, each other one applied in order or superseded", async () => {
    // The fingerprint of each version, as the watcher computes it over the folder's files.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-dev-fp-'));
    const fingerprints = Array.from({ length: 51 }, (_, v) => {
      fs.writeFileSync(path.join(scratch, 'index.js'), handler(v));
      return folderFingerprint(scratch);
    });
    fs.rmSync(scratch, { recursive: true, force: true });
    const from = applied.length;
    for (let edit = 1; edit <= 50; edit++) {
      write('functions/burst/index.js', handler(edit));
      await sleep((edit % 5) * 30);
    }
    const registered = (): AppliedChange[] => applied.slice(from).filter((c) => c.kind === 'function' && c.name === 'burst');
    await until(() => registered().at(-1)?.kind === 'function' && (registered().at(-1) as { fingerprint?: string }).fingerprint === fingerprints[50], 'the 50th edit to be registered');
    const edits = appliedEdits(registered(), (c) => (c.kind === 'function' && c.fingerprint !== undefined ? fingerprints.indexOf(c.fingerprint) : -1));
    expect(edits.at(-1)).toBe(50);
    expect(await invoke('burst')).toEqual({ version: 50, got: {} });
  });

  it('takes an atomic save (temporary file renamed over the original) as one change, not a deletion', async () => {
    const from = applied.length;
    saveAtomically('state-machines/flow.asl.json', machine({ ResultPath: '$.call' }));
    await until(async () => (await definitionOf('flow')) === machine({ ResultPath: '$.call' }), 'the atomic save of the definition');
    saveAtomically('functions/hello/index.js', handler(3));
    await until(() => applied.slice(from).some((c) => c.kind === 'function' && c.name === 'hello'), 'the atomic save of the function');
    expect(applied.slice(from).map((c) => `${c.name} ${c.action}`)).toEqual(['flow updated', 'hello registered']);
    expect(await runOnce('third')).toEqual({ n: 1, call: { version: 3, got: { n: 1 } } });
  });

  it('reports a broken definition with its place and keeps the previous version live', async () => {
    write('state-machines/flow.asl.json', machine({ Next: 'Nowhere' }));
    await until(() => err.includes('stays live'), 'the error report');
    expect(err).toMatch(/flow\.asl\.json:\/States\/Call\/Next: MISSING_TRANSITION_TARGET Missing 'Next' target: Nowhere\n/);
    expect(err).toMatch(/flow\.asl\.json: the previous version of state machine flow stays live\n/);
    expect(await definitionOf('flow')).toBe(machine({ ResultPath: '$.call' }));
    expect(await runOnce('fourth')).toEqual({ n: 1, call: { version: 3, got: { n: 1 } } });
  });

  it('reports a broken function configuration and keeps the previous version live', async () => {
    write('functions/hello/function.json', '{"runtime": "cobol"}');
    await until(() => err.includes('function hello: '), 'the error report');
    expect(err).toMatch(/function hello: .*unsupported runtime 'cobol' \(Stepwright runs nodejs16.x, .*\); the previous version of hello stays live\n/);
    expect(await invoke('hello')).toEqual({ version: 3, got: {} });
    fs.rmSync(path.join(project, 'functions/hello/function.json'));
  });

  it('deletes the state machine of a deleted file and unregisters the function of a deleted folder', async () => {
    fs.rmSync(path.join(project, 'state-machines/doomed.asl.json'));
    fs.rmSync(path.join(project, 'functions/bye'), { recursive: true });
    await until(() => out.includes('state machine doomed: its file is gone, deleted') && out.includes('function bye: '), 'the deletions');
    await expect(definitionOf('doomed')).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'bye' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await definitionOf('flow')).toBe(machine({ ResultPath: '$.call' }));
  });
});
