/**
 * PostgreSQL with real `stepwright worker` processes (issue 15): the bench process starts 3-state
 * executions as StartExecution stores them (createExecution, no claim: any worker may take them,
 * batched by a group committer as a server's would be) and hears their ends through the store's
 * signals; 1, 2 or 4 worker processes advance them. Each count runs in a database of its own.
 * CPU ms per execution adds up the workers' CPU time and, separately, that of the PostgreSQL
 * backends serving the bench's database (from /proc: the server is on this machine), over the timed run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import pg from 'pg';
import { createApp } from '../src/app/create-app.js';
import { GroupCommitter } from '../src/scheduler/index.js';
import type { ExecutionRecord } from '../src/store/index.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';

const PASS3 = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.b', Next: 'C' },
    C: { Type: 'Pass', End: true },
  },
};

export interface WorkersRow {
  readonly workers: number;
  readonly perSec: number;
  /** Start to finish of one execution at a time (no other load), median and 99th percentile. */
  readonly p50: number;
  readonly p99: number;
  readonly workerCpuMsPerExecution: number;
  /** Of the backends serving the bench's database (the workers' and the starting process's connections). */
  readonly postgresCpuMsPerExecution: number;
  /** Of the process that starts the executions and hears their ends. */
  readonly clientCpuMsPerExecution: number;
  readonly executions: number;
  /** The machine's 1-minute load average at the end of the timed run (other sessions share it). */
  readonly loadAverage: number;
}

/** The CLI bundled like the other benchmarks (`bin/stepwright.js` runs the same main from dist/). */
async function cliBundle(): Promise<string> {
  const out = path.resolve('.bench/stepwright-cli.mjs');
  fs.writeFileSync(path.resolve('.bench/stepwright-cli-entry.ts'), "import { main } from '../src/cli/main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n");
  await build({ entryPoints: ['.bench/stepwright-cli-entry.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'warning' });
  return out;
}

const TICK_MS = 1000 / 100; // USER_HZ on Linux

function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms of the PostgreSQL backends serving the database at `url` (the server is local in the bench). */
async function backendCpuMs(url: string): Promise<{ pids: number[]; ms: () => number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pids = (await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  await c.end();
  return { pids, ms: () => pids.reduce((s, p) => s + cpuMsOf(p), 0) };
}

async function startWorkers(cli: string, url: string, n: number): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) => {
      // STEPWRIGHT_BENCH_WORKER_NODE_ARGS (e.g. --cpu-prof) goes to each worker's node.
      const nodeArgs = (process.env.STEPWRIGHT_BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
      const child = spawn(process.execPath, [...nodeArgs, cli, 'worker', '--database', url, '--worker-id', `bench-${i + 1}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      return new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => {
          if (d.toString().includes('is working')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`stepwright worker exited with ${code}: ${err}`)));
      });
    }),
  );
  return children;
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

/** One row: `workers` processes over a fresh database at `url`. */
export async function workersRow(url: string, workers: number, executions: number, window: number): Promise<WorkersRow> {
  const cli = await cliBundle();
  // The machine, through the service (then this process only starts executions and listens).
  const setup = await createApp({ store: await PostgresStore.open(url) });
  const { stateMachineArn } = await setup.service.createStateMachine({ name: 'bench', definition: PASS3 });
  await setup.close();
  const children = await startWorkers(cli, url, workers);
  const store = await PostgresStore.open(url);
  const committer = new GroupCommitter(store);
  const waiting = new Map<string, () => void>();
  const off = store.signals.on('executionFinished', undefined, (arn) => {
    const done = waiting.get(arn);
    waiting.delete(arn);
    done?.();
  });
  let seq = 0;
  const run = (): Promise<void> => {
    const name = `b${++seq}-${randomBytes(4).toString('hex')}`;
    const execution: ExecutionRecord = {
      arn: `arn:aws:states:us-east-1:123456789012:execution:bench:${name}`,
      stateMachineArn,
      revision: 1,
      name,
      status: 'RUNNING',
      input: `{"i":${seq}}`,
      startDate: Date.now(),
    };
    const ended = new Promise<void>((resolve) => waiting.set(execution.arn, resolve));
    return committer.submit({ kind: 'createExecution', execution }).then(() => ended);
  };
  const flood = async (n: number): Promise<void> => {
    let started = 0;
    const lane = async (): Promise<void> => {
      while (started < n) {
        started++;
        await run();
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, n) }, lane));
  };
  try {
    await flood(Math.min(500, executions)); // warm-up: JIT, connections, prepared statements
    // The backends of the workers' pools and of this process stay open through the timed run.
    const backends = await backendCpuMs(url);
    const w0 = children.reduce((s, c) => s + cpuMsOf(c.pid as number), 0);
    const p0 = backends.ms();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await flood(executions);
    const seconds = (performance.now() - t0) / 1000;
    const workerCpu = children.reduce((s, c) => s + cpuMsOf(c.pid as number), 0) - w0;
    const pgCpu = backends.ms() - p0;
    const clientCpu = process.cpuUsage(c0);
    const loadAverage = os.loadavg()[0];
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const succeeded = (await c.query<{ n: number }>("select count(*)::integer as n from executions where status = 'SUCCEEDED'")).rows[0].n;
    await c.end();
    if (succeeded !== seq) throw new Error(`${succeeded} of ${seq} executions SUCCEEDED`);
    return {
      workers,
      perSec: executions / seconds,
      p50: times[100],
      p99: times[198],
      workerCpuMsPerExecution: workerCpu / executions,
      postgresCpuMsPerExecution: pgCpu / executions,
      clientCpuMsPerExecution: (clientCpu.user + clientCpu.system) / 1000 / executions,
      executions,
      loadAverage,
    };
  } finally {
    off();
    await committer.drain();
    await store.close();
    await stopWorkers(children);
  }
}
