/**
 * `npm run bench [-- --reps N --filter TEXT --workloads DIR]`
 * For every workload in bench/workloads, in one run: Stepwright in memory (with history,
 * on a virtual clock), the peer `aws-local-stepfunctions`, and the floor (bench/floors.ts, plain JS,
 * no engine). Then JSONata compiled once per definition (ours) vs compiled per evaluation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import jsonata from 'jsonata';
import { StateMachine } from 'aws-local-stepfunctions';
import { virtualClock } from '../src/engine/index.js';
import { runExecution } from '../src/scheduler/in-memory.js';
import type { Json } from '../src/language/json.js';
import { FLOORS } from './floors.js';

interface Workload {
  name: string;
  description: string;
  definition: unknown;
  input: Json;
  expectOutput?: unknown;
  repeat?: number;
}

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string' },
    filter: { type: 'string' },
    workloads: { type: 'string' },
    /** Child mode: measure this one workload and print its row as JSON. */
    one: { type: 'string' },
  },
});
const here = path.dirname(fileURLToPath(import.meta.url));
// `here` is bench/ under tsx and .bench/ once bundled: both sit in the project's root.
const workloadsDir = path.resolve(args.workloads ?? path.join(here, '../bench/workloads'));
const defaultReps = Number(args.reps ?? 20);
const WARM_UP_MS = 300;
/** Every measurement lasts at least this long (floors: longer), so short workloads are not timer noise. */
const MEASURE_MIN_MS = 300;
const FLOOR_MIN_MS = 500;

const workloads: Workload[] = fs
  .readdirSync(workloadsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(workloadsDir, f), 'utf8')) as Workload)
  .filter((w) => args.filter === undefined || w.name.includes(args.filter));

/**
 * Runs `fn` at least `minRuns` times and for at least `minMs`, returning the median ms per run: the
 * machine is shared (other processes, GC pauses), and the median is what one execution costs.
 */
async function timeRuns(fn: () => Promise<unknown> | unknown, minRuns: number, minMs = 0): Promise<number> {
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < minRuns || performance.now() - t0 < minMs) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function warmUp(fn: () => Promise<unknown> | unknown): Promise<void> {
  await timeRuns(fn, 3, WARM_UP_MS);
}

/** JSON round trip: compares values as JSON (drops jsonata's sequence flags, undefined members). */
function asJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

const fmt = (ms: number | undefined): string => (ms === undefined ? '-' : ms < 0.1 ? ms.toFixed(4) : ms < 10 ? ms.toFixed(3) : ms.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined): string => {
  if (a === undefined || b === undefined) return '-';
  const r = a / b;
  return `${r < 0.1 ? r.toFixed(3) : r.toFixed(1)}x`;
};

interface Row {
  name: string;
  reps: number;
  ours?: number;
  /** Without reading the history (the engine materialises it lazily). */
  oursNoHistory?: number;
  transitions?: number;
  oursOk: string;
  peer?: number;
  peerOk: string;
  floor?: number;
}

async function runOurs(w: Workload): Promise<{ output: unknown; transitions: number; status: string; error?: string }> {
  const r = await runExecution(w.definition, { input: w.input, clock: virtualClock() });
  const transitions = r.events.filter((e) => e.type.endsWith('StateEntered')).length;
  return { output: r.output === undefined ? undefined : JSON.parse(r.output), transitions, status: r.status, ...(r.error !== undefined ? { error: `${r.error}: ${r.cause ?? ''}` } : {}) };
}

async function benchWorkload(w: Workload): Promise<Row> {
  const reps = args.reps !== undefined ? defaultReps : (w.repeat ?? defaultReps);
  const floor = FLOORS[w.name];
  // The reference output: the workload's own, or the floor's when it has none (intrinsics-100).
  const reference = w.expectOutput !== undefined ? w.expectOutput : floor !== undefined ? asJson(floor(w.input)) : undefined;
  const refNote = w.expectOutput !== undefined ? '' : ' (vs floor)';
  const check = (out: unknown): string => (reference === undefined ? 'n/a' : isDeepStrictEqual(asJson(out), reference) ? `ok${refNote}` : `**WRONG**${refNote}`);
  const row: Row = { name: w.name, reps, oursOk: '-', peerOk: '-' };

  try {
    const first = await runOurs(w);
    row.transitions = first.transitions;
    row.oursOk = first.status === 'SUCCEEDED' ? check(first.output) : `**${first.status}** ${first.error ?? ''}`;
    // The engine builds history events (with their JSON texts) when they are first read: read them,
    // since a history is what we produce. The lazy cost is shown separately.
    const run = async () => (await runExecution(w.definition, { input: w.input, clock: virtualClock() })).events.length;
    await warmUp(run);
    row.ours = await timeRuns(run, reps, MEASURE_MIN_MS);
    // The execution and its output as DescribeExecution gives it (JSON text), history left as recorded.
    const lazy = async () => (await runExecution(w.definition, { input: w.input, clock: virtualClock() })).output;
    await warmUp(lazy);
    row.oursNoHistory = await timeRuns(lazy, reps, MEASURE_MIN_MS);
  } catch (e) {
    row.oursOk = `**error** ${String(e instanceof Error ? e.message : e).slice(0, 80)}`;
  }

  try {
    const sm = new StateMachine(w.definition as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { checkPaths: false, checkArn: false },
    });
    const run = () => sm.run(w.input as Parameters<typeof sm.run>[0]).result;
    row.peerOk = check(await run());
    await warmUp(run);
    row.peer = await timeRuns(run, reps, MEASURE_MIN_MS);
  } catch (e) {
    row.peerOk = `**error** ${String(e instanceof Error ? e.message : e).slice(0, 80)}`;
  }

  if (floor !== undefined) {
    const run = () => JSON.stringify(floor(w.input));
    await warmUp(run);
    row.floor = await timeRuns(run, reps, FLOOR_MIN_MS);
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// JSONata: compiled once per definition (ours) vs `jsonata(expr)` at every evaluation.

interface JsonataPassState {
  Assign?: Record<string, string>;
  Output?: string;
  Next?: string;
  End?: boolean;
}

const stripDelimiters = (text: string): string => text.replace(/^\{%/, '').replace(/%\}$/, '');

/** A minimal interpreter of a JSONata Pass chain that compiles each expression each time it is evaluated. */
async function runJsonataChainNaively(definition: { StartAt: string; States: Record<string, JsonataPassState> }, input: Json): Promise<unknown> {
  let name: string | undefined = definition.StartAt;
  let current: unknown = input;
  const variables: Record<string, unknown> = {};
  while (name !== undefined) {
    const state: JsonataPassState = definition.States[name];
    const bindings = { ...variables, states: { input: current, context: {} } };
    const assigned: Record<string, unknown> = {};
    for (const [k, expr] of Object.entries(state.Assign ?? {})) assigned[k] = await jsonata(stripDelimiters(expr)).evaluate({}, bindings);
    if (state.Output !== undefined) current = await jsonata(stripDelimiters(state.Output)).evaluate({}, bindings);
    Object.assign(variables, assigned);
    name = state.End === true ? undefined : state.Next;
  }
  return current;
}

async function benchJsonata(): Promise<string[]> {
  const w = workloads.find((x) => x.name === 'jsonata-chain-100');
  if (w === undefined) return [];
  const reps = args.reps !== undefined ? defaultReps : (w.repeat ?? defaultReps);
  const definition = w.definition as { StartAt: string; States: Record<string, JsonataPassState> };
  const naiveRun = () => runJsonataChainNaively(definition, w.input);
  const naiveOk = isDeepStrictEqual(asJson(await naiveRun()), w.expectOutput) ? 'ok' : '**WRONG**';
  await warmUp(naiveRun);
  const naive = await timeRuns(naiveRun, reps, MEASURE_MIN_MS);
  const oursRun = async () => {
    const r = await runExecution(w.definition, { input: w.input, clock: virtualClock() });
    void r.events.length;
    return r;
  };
  const oursResult = await oursRun();
  const oursOk = oursResult.output !== undefined && isDeepStrictEqual(JSON.parse(oursResult.output), w.expectOutput) ? 'ok' : '**WRONG**';
  await warmUp(oursRun);
  const ours = await timeRuns(oursRun, reps, MEASURE_MIN_MS);
  return [
    '| jsonata-chain-100 | ms/exec | output | naive ÷ ours |',
    '|---|---:|---|---:|',
    `| Stepwright (compiled once per definition, with history) | ${fmt(ours)} | ${oursOk} | 1.0x |`,
    `| naive: \`jsonata(expr)\` at every evaluation, no history | ${fmt(naive)} | ${naiveOk} | ${ratio(naive, ours)} |`,
  ];
}

// ---------------------------------------------------------------------------------------------

const ROW_PREFIX = 'BENCH-ROW ';

/**
 * Each workload is measured in a fresh process: what one workload leaves on the heap (map-1000's
 * histories) would otherwise slow the next one's garbage collection and blur its figures.
 */
function measureInChild(w: Workload): Row {
  const childArgs = [process.argv[1], '--one', w.name, ...(args.reps !== undefined ? ['--reps', args.reps] : []), '--workloads', workloadsDir];
  const r = spawnSync(process.execPath, childArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  const line = r.stdout.split('\n').find((l) => l.startsWith(ROW_PREFIX));
  if (line === undefined) return { name: w.name, reps: 0, oursOk: `**error** child exited ${r.status}`, peerOk: '-' };
  return JSON.parse(line.slice(ROW_PREFIX.length)) as Row;
}

if (args.one !== undefined) {
  const w = workloads.find((x) => x.name === args.one);
  if (w === undefined) throw new Error(`no workload ${args.one}`);
  console.log(ROW_PREFIX + JSON.stringify(await benchWorkload(w)));
  process.exit(0);
}

const rows: Row[] = [];
for (const w of workloads) {
  process.stderr.write(`bench: ${w.name}\n`);
  rows.push(measureInChild(w));
}
const jsonataRows = await benchJsonata();

console.log('# Stepwright benchmark\n');
console.log(
  'Stepwright: in-memory engine on a virtual clock; every execution records its AWS history events. "ms/exec" leaves them as recorded; ' +
    '"with history read" also turns every event into GetExecutionHistory\'s shape (payloads as JSON text), as a client reading the whole history would. ' +
    'Peer: aws-local-stepfunctions, which keeps no history. Floor: plain JS, no engine (bench/floors.ts). Each workload runs in a fresh process; times are the median ms per execution after a warm-up.\n',
);
console.log('| workload | executions (at least) | Stepwright ms/exec | transitions/s | peer ms/exec | peer ÷ ours | floor ms/exec | ours ÷ floor | Stepwright with history read | peer ÷ ours (history read) | output ok (ours) | output ok (peer) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
for (const r of rows) {
  const tps = r.oursNoHistory !== undefined && r.transitions !== undefined ? Math.round((r.transitions * 1000) / r.oursNoHistory).toLocaleString('en-US') : '-';
  console.log(
    `| ${r.name} | ${r.reps} | ${fmt(r.oursNoHistory)} | ${tps} | ${fmt(r.peer)} | ${ratio(r.peer, r.oursNoHistory)} | ${fmt(r.floor)} | ${ratio(r.oursNoHistory, r.floor)} | ${fmt(r.ours)} | ${ratio(r.peer, r.ours)} | ${r.oursOk} | ${r.peerOk} |`,
  );
}
if (jsonataRows.length > 0) console.log(`\n## JSONata: compile once vs compile per evaluation\n\n${jsonataRows.join('\n')}`);
const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`\nnode ${process.version}, peak RSS ${peakRssMiB} MiB`);
