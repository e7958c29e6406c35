// Processes of a Stepwright cluster for the cluster tests: `stepwright server --serve-only` and
// `stepwright worker`, each over the test's PostgreSQL database, started and stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../store/postgres-database.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface ClusterProcess {
  readonly child: ChildProcess;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

/** Starts `stepwright ARGS…` and resolves once its stdout matches `ready` (with the match). */
export function startProcess(args: readonly string[], ready: RegExp): Promise<{ process: ClusterProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const proc: ClusterProcess = { child, output: () => out };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stepwright ${args[0]} did not start: ${out}`)), 120_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ process: proc, match: m });
      }
    });
    child.once('exit', (code) => reject(new Error(`stepwright ${args[0]} exited with ${code}: ${out}`)));
  });
}

export function startServer(database: string, project: string, dataDir: string): Promise<{ process: ClusterProcess; url: string }> {
  return startProcess(
    ['server', '--serve-only', '--port', '0', '--data-dir', dataDir, '--database', database, '--project', project, '--log-level', 'warn'],
    /listening on (http:\/\/[^\s]+)/,
  ).then(({ process, match }) => ({ process, url: match[1] }));
}

export function startWorker(database: string, project: string, id: string, leaseMs: number): Promise<ClusterProcess> {
  return startProcess(['worker', '--database', database, '--project', project, '--worker-id', id, '--lease-ms', String(leaseMs)], /is working/).then((r) => r.process);
}

/** SIGKILL: the process gets no chance to let go of anything. */
export async function kill9(p: ClusterProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGKILL');
  await exited;
}

/** SIGTERM and wait: a clean stop. */
export async function stop(p: ClusterProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await exited;
}

/** The machine both cluster tests run: two Waits and two Lambda calls of `double` (the output is 4n). */
export const CLUSTER_MACHINE = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
    Double: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'double', 'Payload.$': '$' }, OutputPath: '$.Payload', Next: 'Rest' },
    Rest: { Type: 'Wait', Seconds: 1, Next: 'Again' },
    Again: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double', End: true },
  },
};

export const CLUSTER_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A test database with a project (the function `double`), one serve-only server and its workers. */
export interface Cluster {
  readonly db: { readonly url: string; drop(): Promise<void> };
  readonly project: string;
  /** The test's own view of the database (it migrated it first). */
  readonly store: PostgresStore;
  readonly sql: pg.Client;
  /** A client of the first server. */
  readonly sfn: SFNClient;
  /** Every process started, in order: the server first, then the workers. */
  readonly processes: ClusterProcess[];
  /** Starts one more worker (kept in `processes`). */
  worker(id: string): Promise<ClusterProcess>;
  count(where: string, values?: unknown[]): Promise<number>;
  /** Polls `done` every 50 ms; past `timeoutMs` fails with the processes' last output. */
  until(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(options: { readonly leaseMs: number; readonly workers: readonly string[]; readonly serverDataDir: string }): Promise<Cluster> {
  const db = await createTestDatabase();
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cluster-'));
  fs.mkdirSync(path.join(project, 'functions/double'), { recursive: true });
  fs.writeFileSync(path.join(project, 'functions/double/index.ts'), 'export const handler = async (e: { n: number }) => ({ n: e.n * 2 });\n');
  // The first process migrates the database; the others find it done.
  const store = await PostgresStore.open(db.url, { poolSize: 2 });
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const processes: ClusterProcess[] = [];
  let sfn: SFNClient | undefined;
  const cluster: Cluster = {
    db,
    project,
    store,
    sql,
    get sfn(): SFNClient {
      return sfn!;
    },
    processes,
    async worker(id) {
      const p = await startWorker(db.url, project, id, options.leaseMs);
      processes.push(p);
      return p;
    },
    async count(where, values = []) {
      return (await sql.query<{ n: number }>(`select count(*)::integer as n from executions where ${where}`, values)).rows[0].n;
    },
    async until(what, done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${processes.map((p) => p.output().slice(-2000)).join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      sfn?.destroy();
      for (const p of processes) await stop(p);
      await sql.end();
      await store.close();
      await db.drop();
      fs.rmSync(project, { recursive: true, force: true });
    },
  };
  try {
    const server = await startServer(db.url, project, path.join(project, options.serverDataDir));
    processes.push(server.process);
    sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: CLUSTER_CREDENTIALS, maxAttempts: 1 });
    await Promise.all(options.workers.map((id) => cluster.worker(id)));
  } catch (e) {
    await cluster.close().catch(() => undefined);
    throw e;
  }
  return cluster;
}
