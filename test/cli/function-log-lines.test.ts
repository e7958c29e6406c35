import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { runDev } from '../../src/cli/commands/dev.js';
import { runRun } from '../../src/cli/commands/run.js';
import { runServer } from '../../src/cli/commands/server.js';
import { runWorker } from '../../src/cli/commands/worker.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createApp } from '../../src/app/create-app.js';
import { createTestDatabase, postgresUnavailable } from '../store/postgres-database.js';
import { formatFunctionLogLines } from '../../src/cli/function-log-lines.js';

// The worker's test needs PostgreSQL: skipped with the reason where none answers, failed under CI=true.
const unavailable = await postgresUnavailable();
if (unavailable !== undefined && process.env.CI !== 'true') console.warn(`Skipping the worker's function log test: ${unavailable}`);

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-fnlogs-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const GREET = 'export const handler = async (e) => { console.log("greeting", e.name); return { greeting: `hello ${e.name}` }; };';
const GREET_MACHINE = JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:greet', End: true } } });

async function until(predicate: () => boolean, what: string, seen: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw: ${seen()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('formatFunctionLogLines', () => {
  it("prefixes every line with the function and request id, a Node message's \\r line breaks included", () => {
    const text = formatFunctionLogLines({ functionName: 'greet', requestId: 'r-1', logs: 'START RequestId: r-1 Version: $LATEST\nT\tr-1\tINFO\ta\rb\nREPORT RequestId: r-1\tDuration: 1.00 ms\t\n' });
    expect(text).toBe('[greet r-1] START RequestId: r-1 Version: $LATEST\n[greet r-1] T\tr-1\tINFO\ta\n[greet r-1] b\n[greet r-1] REPORT RequestId: r-1\tDuration: 1.00 ms\n');
  });
});

describe('function logs on the terminal', () => {
  it('`run` prints them on stderr, prefixed, while stdout stays the output; a broken function folder is reported and the rest runs', async () => {
    const dir = project({
      'functions/greet/index.mjs': GREET,
      'functions/broken/function.json': '{"runtime": "nodejs20.x",',
      'state-machines/hello.asl.json': GREET_MACHINE,
    });
    let out = '';
    let err = '';
    const code = await runRun([path.join(dir, 'state-machines/hello.asl.json'), '--input', '{"name":"ada"}'], { io: { out: (t) => (out += t), err: (t) => (err += t) } });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ greeting: 'hello ada' });
    expect(err).toMatch(/^function broken is not registered: .*broken\/function\.json: /m);
    expect(err).toMatch(new RegExp(`^\\[greet (${UUID})\\] START RequestId: \\1 Version: \\$LATEST$`, 'm'));
    expect(err).toMatch(new RegExp(`^\\[greet (${UUID})\\] \\S+\\t\\1\\tINFO\\tgreeting ada$`, 'm'));
    expect(err).toMatch(new RegExp(`^\\[greet ${UUID}\\] REPORT RequestId: `, 'm'));
  }, 30_000);

  it('`dev` runs the sound functions of a project beside a TypeScript one with a syntax error and a folder it cannot load', async () => {
    const dir = project({
      'functions/greet/index.mjs': GREET,
      'functions/typo/index.ts': 'export const handler = async (e: { n: number }) => {\n  return e.n +;\n};\n',
      'functions/nameless/README.md': 'no code here',
    });
    let out = '';
    let err = '';
    const stop = new AbortController();
    const done = runDev([dir, '--port', '0', '--log-level', 'silent'], { io: { out: (t) => (out += t), err: (t) => (err += t) }, signal: stop.signal });
    try {
      await until(() => out.includes('Stepwright dev on '), 'the server', () => out + err);
      expect(err).toMatch(/^function nameless: .*cannot tell the runtime/m);
      const endpoint = /on (http:\/\/[^:]+:\d+)/.exec(out)![1];
      const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      try {
        const ok = await lambda.send(new InvokeCommand({ FunctionName: 'greet', Payload: Buffer.from('{"name":"bo"}') }));
        expect(JSON.parse(Buffer.from(ok.Payload!).toString())).toEqual({ greeting: 'hello bo' });
        const broken = await lambda.send(new InvokeCommand({ FunctionName: 'typo', Payload: Buffer.from('{}') }));
        expect(broken.FunctionError).toBe('Unhandled');
        expect(JSON.parse(Buffer.from(broken.Payload!).toString())).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError', errorMessage: 'SyntaxError: Unexpected ";"' });
      } finally {
        lambda.destroy();
      }
      await until(() => /\[typo \S+\] END RequestId/.test(err), 'the broken invocation logged', () => err);
      expect(err).toMatch(/^\[greet \S+\] \S+\t\S+\tINFO\tgreeting bo$/m);
    } finally {
      stop.abort();
      expect(await done).toBe(0);
    }
  }, 30_000);

  it('`server` prints them too, and a broken function folder is logged while the others serve', async () => {
    const dir = project({ 'functions/greet/index.mjs': GREET, 'functions/bad/function.json': '{"runtime": "java21"}' });
    let out = '';
    let err = '';
    const stop = new AbortController();
    const logged: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    // The server's pino log goes to the process's stdout (JSON here: a test's stdout is no terminal).
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    const done = runServer(['--port', '0', '--project', dir, '--data-dir', path.join(dir, '.stepwright'), '--log-level', 'error'], { io: { out: (t) => (out += t), err: (t) => (err += t) }, signal: stop.signal });
    try {
      await until(() => out.includes('Stepwright is listening on '), 'the server', () => out + err);
      const endpoint = /listening on (http:\/\/[^:]+:\d+)/.exec(out)![1];
      const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      try {
        const ok = await lambda.send(new InvokeCommand({ FunctionName: 'greet', Payload: Buffer.from('{"name":"cy"}') }));
        expect(ok.FunctionError).toBeUndefined();
      } finally {
        lambda.destroy();
      }
      await until(() => /\[greet \S+\] REPORT RequestId/.test(err), 'the invocation logged', () => err);
      expect(err).toMatch(/^\[greet \S+\] \S+\t\S+\tINFO\tgreeting cy$/m);
      const entry = logged.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith('function bad is not registered'));
      expect(entry).toMatchObject({ level: 50, msg: expect.stringContaining("unsupported runtime 'java21'") });
    } finally {
      stop.abort();
      expect(await done).toBe(0);
      process.stdout.write = write;
    }
  }, 30_000);

  it.skipIf(unavailable !== undefined && process.env.CI !== 'true')('`worker` prints them too, and reports a broken function folder while the others run', async () => {
    const dir = project({ 'functions/greet/index.mjs': GREET, 'functions/bad/function.json': '{"runtime": "java21"}' });
    const db = await createTestDatabase();
    let out = '';
    let err = '';
    const stop = new AbortController();
    const done = runWorker(['--database', db.url, '--project', dir, '--lease-ms', '2000'], { io: { out: (t) => (out += t), err: (t) => (err += t) }, signal: stop.signal });
    // An execution started by another process (a serve-only server would do the same) that the worker advances.
    const starter = await createApp({ store: await PostgresStore.open(db.url), serveOnly: true });
    try {
      await until(() => out.includes('is working'), 'the worker', () => out + err);
      expect(err).toMatch(/^function bad is not registered: .*unsupported runtime 'java21'/m);
      const { stateMachineArn } = await starter.service.createStateMachine({ name: 'greet-flow', definition: JSON.parse(GREET_MACHINE) as object });
      await starter.service.startExecution({ stateMachineArn, input: '{"name":"di"}' });
      await until(() => /\[greet \S+\] REPORT RequestId/.test(err), 'the invocation logged', () => out + err);
      expect(err).toMatch(new RegExp(`^\\[greet ${UUID}\\] \\S+\\t${UUID}\\tINFO\\tgreeting di$`, 'm'));
    } finally {
      await starter.close();
      stop.abort();
      expect(await done).toBe(0);
      await db.drop();
    }
  }, 40_000);
});
