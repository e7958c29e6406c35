/**
 * CPU per durable execution on SQLite: the measure that compares two trees fairly on a loaded
 * machine, where wall-clock throughput swings with the other processes (docs/performance.md).
 *
 *   npx esbuild bench/cpu-per-execution.ts --bundle --platform=node --format=esm --packages=external --outfile=.bench/cpu.mjs && node .bench/cpu.mjs [pass3|ten] [--count]
 *
 * It imports only `src/app/create-app.js` and `service.startExecution`/`awaitExecution` (the two
 * workloads are bench/durable.ts's, written out again rather than imported), so the same file
 * copied into a checkout of an older commit measures that commit: run the two trees one after the
 * other, several rounds, and compare the means. Each figure is `process.cpuUsage`
 * (user + system, every thread: GC included) around a run of 2,000 in flight, after a
 * 2,000-execution warm-up; two runs, the second is the steady state. `--count` also prints the
 * promises and SQLite statements per execution (deterministic: a change shows whatever the load).
 */
import { createHook } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../src/app/create-app.js';

const which = process.argv[2] === 'ten' ? 'ten' : 'pass3';
const count = process.argv.includes('--count');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-cpu-'));
let seq = 0;

const PASS3 = {
  StartAt: 'A',
  States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.b', Next: 'C' }, C: { Type: 'Pass', End: true } },
};
const TEN: { StartAt: string; States: Record<string, unknown> } = { StartAt: 'S1', States: {} };
for (let i = 1; i <= 10; i++) {
  const next = i < 10 ? { Next: `S${i + 1}` } : { End: true };
  TEN.States[`S${i}`] =
    i === 5
      ? { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo', ResultPath: '$.task', ...next }
      : { Type: 'Pass', Result: i, ResultPath: `$.s${i}`, ...next };
}
const echo = { invoke: (r: { parameters: unknown }) => Promise.resolve({ ok: true, output: r.parameters }) };

let counting = false;
const promises = { n: 0 };
const statements = new Map<string, number>();
if (count) {
  createHook({ init: (_id, type) => void (counting && type === 'PROMISE' && promises.n++) }).enable();
  const proto = Database.prototype as unknown as { prepare: (sql: string) => Record<string, (...a: unknown[]) => unknown> };
  const prepare = proto.prepare;
  proto.prepare = function (this: unknown, sql: string) {
    const st = prepare.call(this, sql);
    for (const m of ['run', 'get', 'all']) {
      const f = st[m];
      st[m] = (...a: unknown[]) => {
        if (counting) statements.set(sql, (statements.get(sql) ?? 0) + 1);
        return f.apply(st, a);
      };
    }
    return st;
  };
}

async function run(definition: object, n: number): Promise<number> {
  const sw = await createApp({ dataDir: path.join(root, `d${++seq}`), resources: echo as never, synchronous: 'FULL' });
  const { stateMachineArn } = await sw.service.createStateMachine({ name: 'bench', definition });
  let started = 0;
  let finished = 0;
  counting = true;
  const c0 = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    const launch = (): void => {
      while (started < n && started - finished < 2000) {
        const i = started++;
        sw.service
          .startExecution({ stateMachineArn, input: `{"i":${i}}` })
          .then((s) => sw.service.awaitExecution(s.executionArn))
          .then((d) => {
            if (d.status !== 'SUCCEEDED') throw new Error(`${d.executionArn}: ${d.status}`);
            if (++finished === n) resolve();
            else launch();
          })
          .catch(reject);
      }
    };
    launch();
  });
  const c = process.cpuUsage(c0);
  counting = false;
  await sw.close();
  return (c.user + c.system) / n;
}

const n = which === 'pass3' ? 20_000 : 10_000;
try {
  await run(PASS3, 2_000);
  const first = await run(which === 'pass3' ? PASS3 : TEN, n);
  const second = await run(which === 'pass3' ? PASS3 : TEN, n);
  console.log(`${which}: CPU ${first.toFixed(0)} µs/execution (first run), ${second.toFixed(0)} µs/execution (second)`);
  if (count) {
    console.log(`promises per execution: ${(promises.n / (2 * n)).toFixed(1)}`);
    for (const [sql, k] of [...statements].sort((a, b) => b[1] - a[1])) console.log(`${(k / (2 * n)).toFixed(2)}  ${sql.slice(0, 100)}`);
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
