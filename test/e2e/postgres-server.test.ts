// `stepwright server --database postgres://…`: an execution with a Wait and a Lambda task runs
// through a real server process whose store is PostgreSQL, and what it wrote is in the database.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable } from '../store/postgres-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:wait-double';

const unavailable = await postgresUnavailable();
if (unavailable !== undefined && process.env.CI !== 'true') console.warn(`Skipping the PostgreSQL server test: ${unavailable}`);

describe.skipIf(unavailable !== undefined && process.env.CI !== 'true')('stepwright server --database postgres://', () => {
  let db: { url: string; drop: () => Promise<void> };
  let project: string;
  let child: ChildProcess;
  let sfn: SFNClient;

  beforeAll(async () => {
    if (unavailable !== undefined) throw new Error(unavailable);
    db = await createTestDatabase();
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-pg-server-'));
    fs.mkdirSync(path.join(project, 'functions/double'), { recursive: true });
    fs.writeFileSync(path.join(project, 'functions/double/index.ts'), 'export const handler = async (e: { n: number }) => ({ n: e.n * 2 });\n');
    fs.mkdirSync(path.join(project, 'state-machines'));
    fs.writeFileSync(
      path.join(project, 'state-machines/wait-double.asl.json'),
      JSON.stringify({
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
          Double: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'double', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true },
        },
      }),
    );
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--data-dir', path.join(project, 'data'), '--database', db.url, '--project', project, '--log-level', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
    sfn = new SFNClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  }, 60_000);

  afterAll(async () => {
    sfn?.destroy();
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
    if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
  });

  it('runs a Wait and a Lambda task to SUCCEEDED with its history in PostgreSQL', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: '{"n":21}' }));
    let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; i < 300 && d.status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ n: 42 });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events!.map((e) => e.type);
    expect(types).toContain('WaitStateExited');
    expect(types).toContain('TaskSucceeded');
    expect(history.events!.map((e) => e.id)).toEqual(types.map((_, i) => i + 1));
    // The server kept it in the database, not in its data dir.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const row = (await c.query<{ status: string; output: string }>('select status, output from executions where arn = $1', [executionArn])).rows[0];
    await c.end();
    expect(row).toEqual({ status: 'SUCCEEDED', output: '{"n":42}' });
    expect(fs.existsSync(path.join(project, 'data', 'stepwright.db'))).toBe(false);
  }, 30_000);
});
