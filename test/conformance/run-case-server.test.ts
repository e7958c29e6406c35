import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { toCase } from './cases.js';
import { planOnServer, runCaseOnServer, type ConformanceServer } from './run-case-server.js';

const caseWith = (requires: string[], file = 'x.json') =>
  toCase({ id: 'services/t.py::T::test_x', kind: 'standard', requires, definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, input: {}, expected: { status: 'SUCCEEDED' } }, file)!;

/** A server nobody listens on: a case that reached it would fail with a connection error, not the message asserted. */
const unreachable = (): ConformanceServer => ({
  url: 'http://127.0.0.1:9',
  sfn: new SFNClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 }),
  functionName: () => undefined,
  mockOf: () => undefined,
  close: async () => undefined,
});

describe('the server runner', () => {
  it('runs pure, lambda, activity, nested-execution, aws-sdk:sfn, distributed-map and callback cases and skips the rest with the reason', () => {
    for (const r of [[], ['lambda'], ['activity'], ['nested-execution'], ['lambda', 'nested-execution'], ['aws-sdk:sfn'], ['distributed-map', 'lambda']]) expect(planOnServer(caseWith(r))).toEqual({ run: true });
    expect(planOnServer(caseWith(['distributed-map', 's3']), true)).toEqual({ run: false, reason: "distributed-map with s3 (the S3 objects the recorder's test put are not in the recording)" });
    expect(planOnServer(caseWith(['callback', 'sqs']))).toEqual({ run: false, reason: 'sqs (needs moto_server, not on PATH)' });
  });

  it('runs the cases that call AWS services when moto_server stands in for them', () => {
    expect(planOnServer(caseWith(['sqs', 'aws-sdk:s3']), true)).toEqual({ run: true });
    expect(planOnServer(caseWith(['callback', 'sqs']), true)).toEqual({ run: true });
  });

  it('fails only that case, with a message, when a function behaves in a way no folder does', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-conf-')), 'case.json');
    fs.writeFileSync(file, JSON.stringify({ functions: { fn1: { runtime: 'python3.12', handler: 'handler', behaviour: 'juggles three balls' } } }));
    const server = unreachable();
    const o = await runCaseOnServer(caseWith(['lambda'], file), server, 'c0');
    server.sfn.destroy();
    fs.rmSync(path.dirname(file), { recursive: true });
    expect(o).toMatchObject({ status: 'failed', differences: [{ note: "no conformance function behaves as the case's function fn1 does: juggles three balls" }] });
  });

  it('reports a request the server refuses as a failure of the case, not of the run', async () => {
    const server = unreachable();
    const o = await runCaseOnServer(caseWith([]), server, 'c1', 5_000);
    server.sfn.destroy();
    expect(o.status).toBe('failed');
    expect(o).toMatchObject({ differences: [{ note: 'the server refused a request of the case' }] });
  });
});
