/**
 * `npm run conformance [-- DIR] [--server] [--verbose] [--filter TEXT] [--time-limit MS] [--concurrency N]`
 * Runs every execution case under DIR (default: the recordings in test/conformance/cases) on the
 * in-memory engine with a virtual clock, or with `--server` through a real `stepwright server`
 * process with the AWS SDK (real time, N cases at once), and prints a markdown table per category.
 * Exits 1 when any case fails.
 */
import { parseArgs } from 'node:util';
import { virtualClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { loadCases, RECORDED_CASES_DIR } from './cases.js';
import { createAwsFixtures, needsAwsServices } from './aws-fixtures.js';
import { hasMotoServer, startMotoServer } from '../moto-server.js';
import { categoryTable, failureDetails, skipTable, summaryLine, totalsOf } from './report.js';
import { DEFAULT_CASE_TIME_LIMIT_MS, runCases, type CaseOutcome, type Engine, type RunExecution } from './run-case.js';
import { DEFAULT_SERVER_CASE_TIME_LIMIT_MS, DEFAULT_SERVER_CONCURRENCY, runCasesOnServer, startConformanceServer } from './run-case-server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    verbose: { type: 'boolean', short: 'v', default: false },
    filter: { type: 'string' },
    'time-limit': { type: 'string' },
    server: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
  },
});

const dir = positionals[0] ?? RECORDED_CASES_DIR;
const filter = values.filter;
const onServer = values.server;
const timeLimitMs = values['time-limit'] !== undefined ? Number(values['time-limit']) : onServer ? DEFAULT_SERVER_CASE_TIME_LIMIT_MS : DEFAULT_CASE_TIME_LIMIT_MS;
const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : DEFAULT_SERVER_CONCURRENCY;

const engine: Engine = { runExecution: runExecution as unknown as RunExecution, virtualClock };
const cases = loadCases(dir).filter((c) => filter === undefined || c.id.includes(filter));
const started = performance.now();
let outcomes: CaseOutcome[];
if (onServer) {
  const moto = cases.some(needsAwsServices) && (await hasMotoServer()) ? await startMotoServer() : undefined;
  const aws = moto !== undefined ? createAwsFixtures(moto.endpoint) : undefined;
  const server = await startConformanceServer(cases, aws);
  try {
    outcomes = await runCasesOnServer(cases, server, { timeLimitMs, concurrency });
  } finally {
    await server.close();
    await aws?.close();
    await moto?.stop();
  }
} else {
  // The cases that call AWS services run against moto_server when it is on PATH.
  const moto = cases.some(needsAwsServices) && (await hasMotoServer()) ? await startMotoServer() : undefined;
  const aws = moto !== undefined ? createAwsFixtures(moto.endpoint) : undefined;
  try {
    outcomes = await runCases(cases, engine, { timeLimitMs, ...(aws !== undefined ? { aws } : {}) });
  } finally {
    await aws?.close();
    await moto?.stop();
  }
}
const seconds = (performance.now() - started) / 1000;

console.log(`# Conformance${onServer ? ' through the server' : ''}: ${positionals[0] ?? 'test/conformance/cases'}${filter !== undefined ? ` (filter "${filter}")` : ''}\n`);
console.log(categoryTable(outcomes));
const skips = skipTable(outcomes);
if (skips !== '') console.log(`\n${skips}`);
if (values.verbose) {
  const details = failureDetails(outcomes);
  if (details !== '') console.log(`\n${details}`);
}
console.log(`\n${cases.length} cases in ${seconds.toFixed(1)} s${onServer ? ` (${concurrency} at a time)` : ''}, node ${process.version}`);
const totals = totalsOf(outcomes);
console.log(summaryLine(totals));
// Exit explicitly: a case stopped by the time limit may have left timers behind.
process.exit(totals.failed > 0 ? 1 : 0);
