import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock, HistoryEvent } from '../../src/engine/types.js';
import { toCase } from './cases.js';
import { categoryTable, failureDetails, summaryLine, totalsOf } from './report.js';
import { runCase, runCases, seededUuid, type Engine, type EngineResult } from './run-case.js';

const clock = (): Clock => {
  let now = 0;
  return { now: () => now, sleepUntil: async (t) => void (now = Math.max(now, t)) };
};

const passCase = (over: Record<string, unknown> = {}) =>
  toCase(
    {
      id: 'base/pass#1',
      kind: 'standard',
      requires: [],
      definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      input: { a: 1 },
      expected: {
        status: 'SUCCEEDED',
        output: { a: 1 },
        events: [
          { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: 'timestamp', executionStartedEventDetails: { input: { a: 1 }, roleArn: 'snf_role_arn' } },
        ],
      },
      ...over,
    },
    'x.json',
  )!;

const started = (input: string): HistoryEvent => ({
  id: 1,
  previousEventId: 0,
  type: 'ExecutionStarted',
  timestamp: new Date(0),
  executionStartedEventDetails: { input, roleArn: 'arn:aws:iam::123456789012:role/x' },
});

const engineReturning = (result: EngineResult | (() => Promise<EngineResult>)): Engine => ({
  runExecution: typeof result === 'function' ? result : async () => result,
  virtualClock: clock,
});

describe('running a case', () => {
  it('passes when the engine returns what AWS recorded', async () => {
    const o = await runCase(passCase(), engineReturning({ status: 'SUCCEEDED', output: '{"a":1}', events: [started('{"a":1}')] }));
    expect(o).toMatchObject({ status: 'passed', differences: [], exactEventOrder: true });
  });

  it('fails with the differences when the output differs', async () => {
    const o = await runCase(passCase(), engineReturning({ status: 'SUCCEEDED', output: '{"a":2}', events: [started('{"a":1}')] }));
    expect(o).toMatchObject({ status: 'failed', differences: [{ path: '/output/a', expected: 1, actual: 2 }] });
  });

  it('compares only the result of an express-sync case', async () => {
    const o = await runCase(passCase({ kind: 'express-sync' }), engineReturning({ status: 'SUCCEEDED', output: '{"a":1}', events: [] }));
    expect(o).toMatchObject({ status: 'passed', exactEventOrder: null });
  });

  it('reports a definition the engine rejects as a failure of the case', async () => {
    const engine = engineReturning(async () => {
      throw new Error('Invalid State Machine Definition');
    });
    const o = await runCase(passCase(), engine);
    expect(o).toMatchObject({ status: 'failed', crash: 'Error: Invalid State Machine Definition' });
  });

  it('stops a case that never finishes at the time limit', async () => {
    const o = await runCase(passCase(), engineReturning(() => new Promise<EngineResult>(() => {})), 50);
    expect(o).toMatchObject({ status: 'failed', crash: 'Error: time limit of 50 ms exceeded' });
  });

  it('skips a case requiring callbacks without running it', async () => {
    let ran = false;
    const engine = engineReturning(async () => {
      ran = true;
      return { status: 'SUCCEEDED', events: [] };
    });
    const o = await runCase(passCase({ requires: ['callback'] }), engine);
    expect(o).toEqual({ id: 'base/pass#1', category: 'base', status: 'skipped', reason: 'callback (the server: runs with --server; the in-memory runner does not serve it)' });
    expect(ran).toBe(false);
  });

  it('fails only that case, with a message, when a function of the case behaves in a way no folder does', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-conf-')), 'case.json');
    fs.writeFileSync(file, JSON.stringify({ functions: { fn1: { runtime: 'python3.12', handler: 'handler', behaviour: 'juggles three balls' } } }));
    const lambdaCase = toCase({ id: 'base/lambda#1', kind: 'standard', requires: ['lambda'], definition: {}, input: {}, expected: { status: 'SUCCEEDED' } }, file)!;
    const good = engineReturning({ status: 'SUCCEEDED', output: '{"a":1}', events: [started('{"a":1}')] });
    const outcomes = await runCases([lambdaCase, passCase()], good);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'passed']);
    expect(outcomes[0]).toMatchObject({ differences: [{ note: "no conformance function behaves as the case's function fn1 does: juggles three balls" }] });
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('hands the engine the inputText of a case whose input was not JSON', async () => {
    let seen: unknown;
    const engine: Engine = {
      virtualClock: clock,
      runExecution: async (_d, options) => {
        seen = options.inputText;
        return { status: 'FAILED', error: 'States.Runtime', cause: 'x', events: [] };
      },
    };
    await runCase(passCase({ inputText: '{oops' }), engine);
    expect(seen).toBe('{oops');
  });
});

describe('the report', () => {
  it('prints a table per category and the final line', async () => {
    const good = engineReturning({ status: 'SUCCEEDED', output: '{"a":1}', events: [started('{"a":1}')] });
    const outcomes = await runCases([passCase(), passCase({ id: 'base/pass#2', requires: ['sqs'] }), passCase({ id: 'other/x', expected: { status: 'SUCCEEDED', output: { a: 3 } } })], good);
    expect(summaryLine(totalsOf(outcomes))).toBe('1 passed, 1 failed, 1 skipped');
    expect(categoryTable(outcomes)).toContain('| base | 1 | 0 | 1 | 0 |');
    expect(categoryTable(outcomes)).toContain('| other | 0 | 1 | 0 | 0 |');
    expect(failureDetails(outcomes)).toContain('FAIL other/x');
  });
});

describe('seeded uuids', () => {
  it('are reproducible and shaped like version-4 uuids', () => {
    const a = seededUuid(7);
    const b = seededUuid(7);
    const first = a();
    expect(first).toBe(b());
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a()).not.toBe(first);
  });
});

describe('the time limit', () => {
  it('hands the engine an abort signal that fires at the limit', async () => {
    let signal: AbortSignal | undefined;
    const engine: Engine = {
      virtualClock: clock,
      runExecution: async (_d, options) => {
        signal = options.signal;
        await new Promise((r) => setTimeout(r, 80));
        return { status: signal?.aborted ? 'ABORTED' : 'SUCCEEDED', events: [] };
      },
    };
    const o = await runCase(passCase({ kind: 'express-sync' }), engine, 30);
    expect(o.status).toBe('failed');
    await new Promise((r) => setTimeout(r, 20));
    expect(signal?.aborted).toBe(true);
  });
});
