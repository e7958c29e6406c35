// Two `stepwright worker --database postgres://…` processes share the executions of one database;
// the one holding claims is killed with SIGKILL mid-run and the other takes its executions over once its leases end.
// Every execution ends SUCCEEDED exactly once with a gapless history.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, postgresUnavailable } from '../store/postgres-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:wait-double';
const COUNT = 40;
const DEFINITION = JSON.stringify({
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
    Double: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'double', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true },
  },
});

const unavailable = await postgresUnavailable();
if (unavailable !== undefined && process.env.CI !== 'true') console.warn(`Skipping the PostgreSQL worker test: ${unavailable}`);

describe.skipIf(unavailable !== undefined && process.env.CI !== 'true')('stepwright worker --database postgres://', () => {
  let db: { url: string; drop: () => Promise<void> };
  let project: string;
  let store: PostgresStore;
  const workers: ChildProcess[] = [];

  function startWorker(id: string): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'worker', '--database', db.url, '--project', project, '--worker-id', id, '--lease-ms', '2000'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    workers.push(child);
    let out = '';
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 30_000);
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('is working')) {
          clearTimeout(timer);
          resolve(child);
        }
      });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
    });
  }

  beforeAll(async () => {
    if (unavailable !== undefined) throw new Error(unavailable);
    db = await createTestDatabase();
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-pg-workers-'));
    fs.mkdirSync(path.join(project, 'functions/double'), { recursive: true });
    fs.writeFileSync(path.join(project, 'functions/double/index.ts'), 'export const handler = async (e: { n: number }) => ({ n: e.n * 2 });\n');
    store = await PostgresStore.open(db.url, { poolSize: 2 });
    await store.createStateMachine({ arn: MACHINE, name: 'wait-double', type: 'STANDARD', definition: DEFINITION, roleArn: 'arn:aws:iam::123456789012:role/r', createdAt: Date.now() });
    await Promise.all([startWorker('a'), startWorker('b')]);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers)
      if (w.exitCode === null && w.signalCode === null) {
        const exited = new Promise((r) => w.once('exit', r));
        w.kill('SIGTERM');
        await exited;
      }
    await store?.close();
    await db?.drop();
    if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
  });

  it('finishes every execution once although one worker is killed with SIGKILL mid-run', async () => {
    const arns: string[] = [];
    const now = Date.now();
    // Started straight in the store: no scheduler runs in this process, only the two workers.
    await store.commit(
      Array.from({ length: COUNT }, (_, i) => {
        const arn = `arn:aws:states:us-east-1:123456789012:execution:wait-double:e${i}`;
        arns.push(arn);
        return {
          kind: 'createExecution' as const,
          execution: { arn, stateMachineArn: MACHINE, revision: 1, name: `e${i}`, status: 'RUNNING' as const, input: JSON.stringify({ n: i }), startDate: now },
        };
      }),
    );
    // Kill a worker while it holds claims (executions are in their Wait): whichever claimed them
    // (one claim of signalled work may take all 40, so it is not always the same one).
    const holders = async () => {
      const leases = await Promise.all(arns.map((arn) => store.leaseOf({ executionArn: arn })));
      return (['a', 'b'] as const).map((id) => leases.filter((l) => l?.owner === id).length);
    };
    const deadline = Date.now() + 10_000;
    let held = await holders();
    while (held[0] + held[1] === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      held = await holders();
    }
    expect(held[0] + held[1]).toBeGreaterThan(0);
    const victim = workers[held[0] >= held[1] ? 0 : 1];
    const killed = new Promise((r) => victim.once('exit', r));
    victim.kill('SIGKILL');
    await killed;

    const done = async () => (await Promise.all(arns.map((arn) => store.getExecution(arn)))).filter((e) => e?.status !== 'RUNNING').length;
    const until = Date.now() + 40_000;
    while ((await done()) < COUNT && Date.now() < until) await new Promise((r) => setTimeout(r, 100));

    for (let i = 0; i < COUNT; i++) {
      const e = await store.getExecution(arns[i]);
      expect(e?.status, arns[i]).toBe('SUCCEEDED');
      expect(JSON.parse(e!.output!)).toEqual({ n: 2 * i });
      const { events } = await store.getHistory(arns[i]);
      expect(events.map((x) => x.id)).toEqual(events.map((_, k) => k + 1));
      expect(events.filter((x) => x.type === 'ExecutionSucceeded')).toHaveLength(1);
      expect(events.filter((x) => x.type === 'WaitStateExited')).toHaveLength(1);
      expect(events.filter((x) => x.type === 'TaskSucceeded')).toHaveLength(1);
    }
  }, 90_000);
});
