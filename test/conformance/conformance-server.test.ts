/**
 * Runs the public conformance cases through a real `stepwright server` process with the AWS SDK
 * (run-case-server.ts): the pure ones and those needing Lambda, activities or nested executions.
 * A case not skipped must pass unless it is listed in known-failures-server.txt; a listed case that
 * passes must be removed from the list, so the list only shrinks.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases, parseKnownFailures, RECORDED_CASES_DIR } from './cases.js';
import { formatDifference, totalsOf } from './report.js';
import type { CaseOutcome } from './run-case.js';
import { runCasesOnServer, startConformanceServer, type ConformanceServer } from './run-case-server.js';
import { createAwsFixtures, type AwsFixtures } from './aws-fixtures.js';
import { hasMotoServer, startMotoServer, type MotoServer } from '../moto-server.js';

const knownFailuresFile = fileURLToPath(new URL('./known-failures-server.txt', import.meta.url));
const knownFailures = parseKnownFailures(fs.readFileSync(knownFailuresFile, 'utf8'));
const cases = loadCases(RECORDED_CASES_DIR);
let server: ConformanceServer | undefined;
let outcomes: CaseOutcome[] = [];
let moto: MotoServer | undefined;
let aws: AwsFixtures | undefined;

// The cases that call SNS, SQS, DynamoDB, S3 and EventBridge run against moto_server.
const motoAvailable = await hasMotoServer();
if (!motoAvailable && process.env.CI === 'true') throw new Error('moto_server is not on PATH (CI=true): the AWS service cases cannot run');
if (!motoAvailable) console.warn('conformance through the server: moto_server is not on PATH, the AWS service cases are skipped');

beforeAll(async () => {
  if (motoAvailable) {
    moto = await startMotoServer();
    aws = createAwsFixtures(moto.endpoint);
  }
  server = await startConformanceServer(cases, aws);
  // Real time: the longest cases wait out 5 s timeouts; 15 s stops one that hangs.
  outcomes = await runCasesOnServer(cases, server, { timeLimitMs: 15_000, concurrency: 8 });
}, 300_000);

afterAll(async () => {
  await server?.close();
  await aws?.close();
  await moto?.stop();
}, 30_000);

describe('conformance with AWS recordings, through the server', () => {
  it('runs the public cases, skipping only those that need AWS services the server does not have', () => {
    const t = totalsOf(outcomes);
    expect(outcomes.length).toBe(cases.length);
    expect(t.passed + t.failed).toBeGreaterThan(680);
    const ran = new Set(outcomes.filter((o) => o.status !== 'skipped').map((o) => o.category));
    for (const category of ['activities', 'callback', 'express', 'timeouts', 'services']) expect(ran).toContain(category);
  });

  it('passes every case that is not skipped or a known failure', () => {
    const regressions = outcomes.filter((o) => o.status === 'failed' && !knownFailures.has(o.id));
    const report = regressions.map((o) => [o.id, ...(o.status === 'failed' ? o.differences.slice(0, 3).map(formatDifference) : [])].join('\n'));
    expect(report, 'cases that fail through the server and are not in known-failures-server.txt').toEqual([]);
  });

  it('lists in known-failures-server.txt only cases that still fail', () => {
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const fixed = [...knownFailures.keys()].filter((id) => byId.get(id)?.status === 'passed');
    expect(fixed, 'these pass now: remove them from known-failures-server.txt').toEqual([]);
  });

  it('lists in known-failures-server.txt only ids of cases that exist and run', () => {
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const stale = [...knownFailures.keys()].filter((id) => byId.get(id) === undefined || byId.get(id)?.status === 'skipped');
    expect(stale, 'unknown or skipped ids in known-failures-server.txt').toEqual([]);
  });
});
