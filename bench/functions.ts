/**
 * `npx tsx bench/functions.ts [--invokes N] [--pool N] [--colds N]`
 * The function runtime: warm invoke latency (p50/p99) for Node and Python handlers, cold start
 * (register + first invoke), and invocations/s with a pool of N workers, each beside its floor:
 * a bare child_process round trip (Node over IPC, python3 over pipes) doing nothing but echo.
 * Prints a markdown table. Run with tsx (not bundled): the runtime finds its bootstraps beside its
 * source files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FunctionRuntime } from '../src/functions/index.js';

const { values: args } = parseArgs({
  options: { invokes: { type: 'string' }, pool: { type: 'string' }, colds: { type: 'string' } },
});
const INVOKES = Number(args.invokes ?? 2000);
const POOL = Number(args.pool ?? Math.min(8, os.availableParallelism()));
const COLDS = Number(args.colds ?? 10);
const PAYLOAD = JSON.stringify({ orderId: 'A-1', items: [{ sku: 'x', qty: 2 }], total: 12.5 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-bench-fn-'));
function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return path.dirname(file);
}
const nodeDir = write('node/index.mjs', 'export const handler = async (event) => event;\n');
const pythonDir = write('python/lambda_function.py', 'def lambda_handler(event, context):\n    return event\n');
const nodeEcho = path.join(write('floor/echo.mjs', "process.on('message', (m) => process.send(m));\n"), 'echo.mjs');
const pythonEcho = path.join(
  write(
    'floor/echo.py',
    'import sys\nfor line in sys.stdin.buffer:\n    sys.stdout.buffer.write(line)\n    sys.stdout.buffer.flush()\n',
  ),
  'echo.py',
);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  readonly what: string;
  readonly p50: number;
  readonly p99: number;
  readonly perSecond?: number;
}

async function measure(what: string, n: number, once: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < Math.min(200, n / 10); i++) await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { what, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(what: string, n: number, concurrency: number, once: () => Promise<unknown>): Promise<Row> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await once();
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  return { what, p50: NaN, p99: NaN, perSecond: n / seconds };
}

/** A bare Node child echoing IPC messages: the floor under a warm Node invoke. */
function nodeFloor(): { roundTrip: () => Promise<unknown>; close: () => void } {
  const child = spawn(process.execPath, [nodeEcho], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let waiting: ((m: unknown) => void) | undefined;
  child.on('message', (m) => waiting?.(m));
  return {
    roundTrip: () =>
      new Promise((resolve) => {
        waiting = resolve;
        child.send({ payload: PAYLOAD });
      }),
    close: () => child.kill('SIGKILL'),
  };
}

/** A bare python3 echoing lines over pipes: the floor under a warm Python invoke. */
function pythonFloor(): { roundTrip: () => Promise<unknown>; close: () => void } {
  const child = spawn('python3', ['-u', pythonEcho], { stdio: ['pipe', 'pipe', 'inherit'] });
  let waiting: ((m: unknown) => void) | undefined;
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    const nl = buffered.indexOf('\n');
    if (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiting?.(line);
    }
  });
  return {
    roundTrip: () =>
      new Promise((resolve) => {
        waiting = resolve;
        child.stdin.write(`${PAYLOAD}\n`);
      }),
    close: () => child.kill('SIGKILL'),
  };
}

async function coldStarts(runtime: FunctionRuntime, kind: 'node' | 'python'): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < COLDS; i++) {
    const name = `cold-${kind}-${i}`;
    runtime.register(
      kind === 'node'
        ? { name, runtime: 'nodejs20.x', handler: 'index.handler', codeDir: nodeDir }
        : { name, runtime: 'python3.12', handler: 'lambda_function.lambda_handler', codeDir: pythonDir },
    );
    const t = performance.now();
    const r = await runtime.invoke(name, PAYLOAD);
    times.push(performance.now() - t);
    if (!r.ok) throw new Error(r.payload);
    await runtime.unregister(name);
  }
  times.sort((a, b) => a - b);
  return {
    what: `cold start ${kind} (spawn + load + first invoke)`,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
  };
}

async function coldFloor(kind: 'node' | 'python'): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < COLDS; i++) {
    const t = performance.now();
    const floor = kind === 'node' ? nodeFloor() : pythonFloor();
    await floor.roundTrip();
    times.push(performance.now() - t);
    floor.close();
  }
  times.sort((a, b) => a - b);
  return { what: `floor: spawn bare ${kind} + one round trip`, p50: percentile(times, 50), p99: percentile(times, 99) };
}

const runtime = new FunctionRuntime({ maxWorkersPerFunction: POOL });
runtime.register({ name: 'node-echo', runtime: 'nodejs20.x', handler: 'index.handler', codeDir: nodeDir });
runtime.register({
  name: 'python-echo',
  runtime: 'python3.12',
  handler: 'lambda_function.lambda_handler',
  codeDir: pythonDir,
});

const rows: Row[] = [];
const nf = nodeFloor();
const pf = pythonFloor();
rows.push(await measure('floor: bare node child_process IPC round trip', INVOKES, nf.roundTrip));
rows.push(
  await measure('warm invoke node (FunctionRuntime.invoke)', INVOKES, () => runtime.invoke('node-echo', PAYLOAD)),
);
rows.push(await measure('floor: bare python3 pipe round trip', INVOKES, pf.roundTrip));
rows.push(
  await measure('warm invoke python (FunctionRuntime.invoke)', INVOKES, () => runtime.invoke('python-echo', PAYLOAD)),
);
nf.close();
pf.close();
rows.push(await coldFloor('node'));
rows.push(await coldStarts(runtime, 'node'));
rows.push(await coldFloor('python'));
rows.push(await coldStarts(runtime, 'python'));
rows.push(
  await throughput(`throughput node, pool of ${POOL}`, INVOKES * 2, POOL * 2, () =>
    runtime.invoke('node-echo', PAYLOAD),
  ),
);
rows.push(
  await throughput(`throughput python, pool of ${POOL}`, INVOKES * 2, POOL * 2, () =>
    runtime.invoke('python-echo', PAYLOAD),
  ),
);
rows.push(await throughput('throughput node, pool of 1', INVOKES, 1, () => runtime.invoke('node-echo', PAYLOAD)));
await runtime.close();
fs.rmSync(dir, { recursive: true, force: true });

const ms = (v: number): string => (Number.isNaN(v) ? '' : v.toFixed(3));
console.log(
  `# Function runtime (${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} threads, node ${process.version})\n`,
);
console.log('| measurement | p50 ms | p99 ms | invocations/s |');
console.log('|---|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.what} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.perSecond !== undefined ? Math.round(r.perSecond).toLocaleString('en-US') : ''} |`,
  );
console.log(`\n${INVOKES} warm invokes per row, ${COLDS} cold starts, payload ${PAYLOAD.length} bytes.`);
