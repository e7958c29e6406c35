/**
 * `npm run conformance [-- DIR] [--verbose] [--filter TEXT] [--time-limit MS]`
 * Runs every execution case under DIR (default: the recordings in test/conformance/cases) on the
 * in-memory engine with a virtual clock and prints a markdown table per category. Exits 1 when any
 * case fails.
 */
import { parseArgs } from 'node:util';
import { virtualClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { loadCases, RECORDED_CASES_DIR } from './cases.js';
import { categoryTable, failureDetails, skipTable, summaryLine, totalsOf } from './report.js';
import { DEFAULT_CASE_TIME_LIMIT_MS, runCases, type Engine, type RunExecution } from './run-case.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    verbose: { type: 'boolean', short: 'v', default: false },
    filter: { type: 'string' },
    'time-limit': { type: 'string' },
  },
});

const dir = positionals[0] ?? RECORDED_CASES_DIR;
const filter = values.filter;
const timeLimitMs = values['time-limit'] !== undefined ? Number(values['time-limit']) : DEFAULT_CASE_TIME_LIMIT_MS;

const engine: Engine = { runExecution: runExecution as unknown as RunExecution, virtualClock };
const cases = loadCases(dir).filter((c) => filter === undefined || c.id.includes(filter));
const started = performance.now();
const outcomes = await runCases(cases, engine, { timeLimitMs });
const seconds = (performance.now() - started) / 1000;

console.log(`# Conformance: ${positionals[0] ?? 'test/conformance/cases'}${filter !== undefined ? ` (filter "${filter}")` : ''}\n`);
console.log(categoryTable(outcomes));
const skips = skipTable(outcomes);
if (skips !== '') console.log(`\n${skips}`);
if (values.verbose) {
  const details = failureDetails(outcomes);
  if (details !== '') console.log(`\n${details}`);
}
console.log(`\n${cases.length} cases in ${seconds.toFixed(1)} s, node ${process.version}`);
const totals = totalsOf(outcomes);
console.log(summaryLine(totals));
// Exit explicitly: a case stopped by the time limit may have left timers behind.
process.exit(totals.failed > 0 ? 1 : 0);
