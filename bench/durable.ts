/**
 * Durable mode throughput and latency (issue 7), beside the floor measured in the same run.
 *
 *   npx esbuild bench/durable.ts --bundle --platform=node --format=esm --packages=external --outfile=.bench/durable.mjs && node .bench/durable.mjs [--executions N] [--synchronous FULL|NORMAL]
 *
 * Prints a markdown table: raw better-sqlite3 commits (the floor), then durable executions/s and
 * state transitions/s through the programmatic API for a 3-state Pass machine and a 10-state machine
 * with one Task, with group commit on and off, and the start-to-finish latency of one execution at
 * low load. When PostgreSQL is reachable (STEPWRIGHT_BENCH_POSTGRES, default
 * postgres://postgres@127.0.0.1:5432/test), PostgreSQL rows follow: raw pg commits (its floor) and
 * the 3-state machine on the PostgreSQL store, each run in a database of its own, dropped after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TaskResources } from '../src/engine/index.js';
import type { Store, Synchronous } from '../src/store/index.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createApp } from '../src/app/create-app.js';
import { workersRow } from './pg-workers.js';

const { values: args } = parseArgs({
  options: {
    executions: { type: 'string' },
    synchronous: { type: 'string' },
    window: { type: 'string' },
    // Only the PostgreSQL rows (a quick look at the cluster figures).
    'postgres-only': { type: 'boolean' },
  },
});
const EXECUTIONS = Number(args.executions ?? 20_000);
const WINDOW = Number(args.window ?? 2_000);
const SYNC = (args.synchronous ?? 'FULL') as Synchronous;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-bench-'));
let dirSeq = 0;
const freshDir = (): string => path.join(root, `d${++dirSeq}`);

const PASS3 = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.b', Next: 'C' },
    C: { Type: 'Pass', End: true },
  },
};
const TEN: { StartAt: string; States: Record<string, unknown> } = { StartAt: 'S1', States: {} };
for (let i = 1; i <= 10; i++) {
  const next = i < 10 ? { Next: `S${i + 1}` } : { End: true };
  TEN.States[`S${i}`] =
    i === 5
      ? { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo', ResultPath: '$.task', ...next }
      : { Type: 'Pass', Result: i, ResultPath: `$.s${i}`, ...next };
}
const echo: TaskResources = { invoke: (r) => Promise.resolve({ ok: true, output: r.parameters }) };

function rawCommits(rowsPerCommit: number, ms: number): number {
  const dir = freshDir();
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${SYNC}`);
  db.exec('create table t (id integer primary key, v text)');
  const insert = db.prepare('insert into t (v) values (?)');
  const commit = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run('{"some":"payload"}');
  });
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    commit(rowsPerCommit);
    rows += rowsPerCommit;
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  return rows / s;
}

async function durable(
  definition: object,
  states: number,
  groupCommit: boolean,
  executions: number,
  store?: Store,
): Promise<{ perSec: number; transitionsPerSec: number }> {
  const sw = await createApp({
    store,
    dataDir: freshDir(),
    resources: echo,
    synchronous: SYNC,
    groupCommit: groupCommit ? undefined : false,
  });
  const { stateMachineArn } = await sw.service.createStateMachine({ name: 'bench', definition });
  let started = 0;
  let finished = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const launch = (): void => {
      while (started < executions && started - finished < WINDOW) {
        const i = started++;
        sw.service.startExecution({ stateMachineArn, input: `{"i":${i}}` })
          .then((s) => sw.service.awaitExecution(s.executionArn))
          .then((d) => {
            if (d.status !== 'SUCCEEDED')
              throw new Error(`${d.executionArn}: ${d.status} ${d.error ?? ''} ${d.cause ?? ''}`);
            finished++;
            if (finished === executions) resolve();
            else launch();
          })
          .catch(reject);
      }
    };
    launch();
  });
  const s = (performance.now() - t0) / 1000;
  await sw.close();
  return { perSec: executions / s, transitionsPerSec: (executions * states) / s };
}

async function latency(definition: object, runs: number, store?: Store): Promise<{ p50: number; p99: number }> {
  const sw = await createApp({ store, dataDir: freshDir(), resources: echo, synchronous: SYNC });
  const { stateMachineArn } = await sw.service.createStateMachine({ name: 'lat', definition });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { executionArn } = await sw.service.startExecution({ stateMachineArn, input: '{}' });
    await sw.service.awaitExecution(executionArn);
    times.push(performance.now() - t0);
  }
  await sw.close();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs / 2)], p99: times[Math.floor(runs * 0.99)] };
}

const PG_SERVER = process.env.STEPWRIGHT_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database of its own on the bench's PostgreSQL server, or undefined when there is none. */
async function pgDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: PG_SERVER, connectionTimeoutMillis: 2000 });
  const name = `stepwright_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch {
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_SERVER });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The PostgreSQL floor: one connection, a named insert, `rowsPerCommit` of them per transaction. */
async function rawPgCommits(url: string, rowsPerCommit: number, ms: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('create table if not exists t (id bigserial primary key, v text)');
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await c.query('begin');
    for (let i = 0; i < rowsPerCommit; i++) await c.query({ name: 'ins', text: 'insert into t (v) values ($1)', values: ['{"some":"payload"}'] });
    await c.query('commit');
    rows += rowsPerCommit;
  }
  const s = (performance.now() - t0) / 1000;
  const sync = (await c.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0].synchronous_commit;
  await c.end();
  pgSync = sync;
  return rows / s;
}
let pgSync = '?';

async function postgresRows(rows: string[]): Promise<void> {
  const db = await pgDatabase();
  if (db === undefined) {
    rows.push(`| PostgreSQL: none reachable at ${PG_SERVER} (set STEPWRIGHT_BENCH_POSTGRES) | | | |`);
    return;
  }
  try {
    const raw1 = await rawPgCommits(db.url, 1, 2000);
    const raw100 = await rawPgCommits(db.url, 100, 2000);
    rows.push(`| floor: raw pg, 1 row per commit | ${fmt(raw1)} commits/s | | synchronous_commit=${pgSync} |`);
    rows.push(`| floor: raw pg, 100 rows per commit | ${fmt(raw100)} rows/s | | |`);
    const n = Math.min(EXECUTIONS, 5_000);
    await durable(PASS3, 3, true, 500, await PostgresStore.open(db.url));
    const on = await durable(PASS3, 3, true, n, await PostgresStore.open(db.url));
    rows.push(`| PostgreSQL durable 3-state Pass, 1 process, group commit on | ${fmt(on.perSec)} executions/s | ${fmt(on.transitionsPerSec)} transitions/s | ${n} executions |`);
    const lat = await latency(PASS3, 200, await PostgresStore.open(db.url));
    rows.push(`| PostgreSQL durable 3-state Pass, one at a time: start to finish | p50 ${lat.p50.toFixed(2)} ms | p99 ${lat.p99.toFixed(2)} ms | 200 executions |`);
  } finally {
    await db.drop();
  }
  for (const workers of [1, 2, 4]) {
    const wdb = await pgDatabase();
    if (wdb === undefined) return;
    try {
      const r = await workersRow(wdb.url, workers, Math.min(EXECUTIONS, 10_000), WINDOW);
      rows.push(
        `| PostgreSQL durable 3-state Pass, ${workers} \`stepwright worker\` process${workers > 1 ? 'es' : ''} | ${fmt(r.perSec)} executions/s | ` +
          `CPU ms/execution: workers ${r.workerCpuMsPerExecution.toFixed(3)}, PostgreSQL backends ${r.postgresCpuMsPerExecution.toFixed(3)}, starter ${r.clientCpuMsPerExecution.toFixed(3)} | ` +
          `${r.executions} executions; one at a time start to finish p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; load average ${r.loadAverage.toFixed(1)} |`,
      );
    } finally {
      await wdb.drop();
    }
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

try {
  const rows: string[] = [];
  if (args['postgres-only'] === true) {
    await postgresRows(rows);
    process.stdout.write(`\n| workload | throughput | | |\n|---|---|---|---|\n${rows.join('\n')}\n`);
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(0);
  }
  const raw1 = rawCommits(1, 2000);
  const raw100 = rawCommits(100, 2000);
  rows.push(`| floor: raw better-sqlite3, 1 row per commit | ${fmt(raw1)} commits/s | | |`);
  rows.push(`| floor: raw better-sqlite3, 100 rows per commit | ${fmt(raw100)} rows/s | | |`);
  // Warm up the engine and SQLite (JIT, page cache).
  await durable(PASS3, 3, true, 2_000);
  for (const [label, def, states, n] of [
    ['3-state Pass', PASS3, 3, EXECUTIONS],
    ['10-state, one Task', TEN, 10, Math.round(EXECUTIONS / 2)],
  ] as const) {
    const on = await durable(def, states, true, n);
    rows.push(
      `| durable ${label}, group commit on | ${fmt(on.perSec)} executions/s | ${fmt(on.transitionsPerSec)} transitions/s | ${n} executions |`,
    );
    const offN = Math.min(n, 2_000);
    const off = await durable(def, states, false, offN);
    rows.push(
      `| durable ${label}, group commit off | ${fmt(off.perSec)} executions/s | ${fmt(off.transitionsPerSec)} transitions/s | ${offN} executions |`,
    );
  }
  const lat = await latency(PASS3, 300);
  rows.push(
    `| durable 3-state Pass, one at a time: start to finish | p50 ${lat.p50.toFixed(2)} ms | p99 ${lat.p99.toFixed(2)} ms | 300 executions |`,
  );
  await postgresRows(rows);
  process.stdout.write(
    `\nDurable mode, synchronous=${SYNC}, WAL, ${os.cpus().length} cores, Node ${process.version}\n\n| workload | throughput | | |\n|---|---|---|---|\n${rows.join('\n')}\n`,
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
