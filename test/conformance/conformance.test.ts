/**
 * Runs every public conformance case (recorded on AWS) in-process on the engine. A case not skipped
 * must pass unless it is listed in known-failures.txt; a listed case that passes must be removed
 * from the list, so the list only shrinks.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { loadCases, parseKnownFailures, RECORDED_CASES_DIR } from './cases.js';
import { formatDifference, totalsOf } from './report.js';
import { runCases, type CaseOutcome, type Engine, type RunExecution } from './run-case.js';
import { createAwsFixtures, type AwsFixtures } from './aws-fixtures.js';
import { hasMotoServer, startMotoServer, type MotoServer } from '../moto-server.js';

const knownFailuresFile = fileURLToPath(new URL('./known-failures.txt', import.meta.url));

const engine: Engine = { runExecution: runExecution as unknown as RunExecution, virtualClock };
const knownFailures = parseKnownFailures(fs.readFileSync(knownFailuresFile, 'utf8'));
const cases = loadCases(RECORDED_CASES_DIR);
let outcomes: CaseOutcome[] = [];
let moto: MotoServer | undefined;
let aws: AwsFixtures | undefined;

// The cases that call SNS, SQS, DynamoDB, S3 and EventBridge run against moto_server.
const motoAvailable = await hasMotoServer();
if (!motoAvailable && process.env.CI === 'true') throw new Error('moto_server is not on PATH (CI=true): the AWS service cases cannot run');
if (!motoAvailable) console.warn('conformance: moto_server is not on PATH, the AWS service cases are skipped');

beforeAll(async () => {
  if (motoAvailable) {
    moto = await startMotoServer();
    aws = createAwsFixtures(moto.endpoint);
  }
  outcomes = await runCases(cases, engine, { timeLimitMs: 5_000, ...(aws !== undefined ? { aws } : {}) });
}, 300_000);

afterAll(async () => {
  await aws?.close();
  await moto?.stop();
});

describe('conformance with AWS recordings', () => {
  it('runs the public cases, most of them not skipped', () => {
    const t = totalsOf(outcomes);
    expect(outcomes.length).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(800);
    expect(t.passed + t.failed).toBeGreaterThan(500);
    expect(t.passed).toBeGreaterThan(400);
  });

  it('passes every case that is not skipped or a known failure', () => {
    const regressions = outcomes.filter((o) => o.status === 'failed' && !knownFailures.has(o.id));
    const report = regressions.map((o) => [o.id, ...(o.status === 'failed' ? o.differences.slice(0, 3).map(formatDifference) : [])].join('\n'));
    expect(report, 'cases that fail and are not in known-failures.txt').toEqual([]);
  });

  it('lists in known-failures.txt only cases that still fail', () => {
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const fixed = [...knownFailures.keys()].filter((id) => byId.get(id)?.status === 'passed');
    expect(fixed, 'these pass now: remove them from known-failures.txt').toEqual([]);
  });

  it('lists in known-failures.txt only ids of cases that exist and run', () => {
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const stale = [...knownFailures.keys()].filter((id) => byId.get(id) === undefined || byId.get(id)?.status === 'skipped');
    expect(stale, 'unknown or skipped ids in known-failures.txt').toEqual([]);
  });
});
