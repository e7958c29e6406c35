import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases, parseKnownFailures, planCase, RECORDED_CASES_DIR, toCase } from './cases.js';
import { missingRequirements } from './requirements.js';

const minimal = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'base/test_x.py::T::test_y#1',
  kind: 'standard',
  queryLanguage: 'JSONPath',
  requires: [],
  definition: { StartAt: 'A', States: { A: { Type: 'Succeed' } } },
  input: { a: 1 },
  expected: { status: 'SUCCEEDED', output: { a: 1 } },
  ...over,
});

describe('loading cases', () => {
  it('reads execution cases recursively and takes the category from the id', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-'));
    fs.mkdirSync(path.join(dir, 'base', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'base', 'deeper', 'a.json'), JSON.stringify(minimal()));
    fs.writeFileSync(path.join(dir, 'validation.json'), JSON.stringify({ id: 'v', definitionText: '{}', expected: { api: 'CreateStateMachine' } }));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const cases = loadCases(dir);
    expect(cases.map((c) => [c.id, c.category])).toEqual([['base/test_x.py::T::test_y#1', 'base']]);
    expect(cases[0].input).toEqual({ a: 1 });
  });

  it('keeps inputText when the input sent was not valid JSON', () => {
    const c = toCase(minimal({ input: null, inputText: '{not json' }), 'x.json');
    expect(c?.inputText).toBe('{not json');
  });

  it('treats an express-sync case as such and anything else as standard', () => {
    expect(toCase(minimal({ kind: 'express-sync' }), 'x.json')?.kind).toBe('express-sync');
    expect(toCase(minimal({ kind: undefined }), 'x.json')?.kind).toBe('standard');
  });

  it('loads the public cases: 813 executions in 20 categories', () => {
    const cases = loadCases(RECORDED_CASES_DIR);
    expect(cases.length).toBe(813);
    expect(new Set(cases.map((c) => c.category)).size).toBe(20);
  });
});

describe('skipping', () => {
  it('runs a case that requires nothing', () => {
    expect(planCase(toCase(minimal(), 'x.json')!)).toEqual({ run: true });
  });

  it('skips a case requiring callbacks and names what serves it', () => {
    expect(planCase(toCase(minimal({ requires: ['callback'] }), 'x.json')!)).toEqual({ run: false, reason: 'callback (the server: runs with --server; the in-memory runner does not serve it)' });
  });

  it('names every missing requirement, including aws-sdk services moto_server does not stand in for', () => {
    expect(missingRequirements(['callback', 'aws-sdk:s3', 'sqs', 'aws-sdk:sfn'])).toEqual([
      { name: 'callback', builtBy: 'the server: runs with --server; the in-memory runner does not serve it' },
      { name: 'aws-sdk:sfn', builtBy: "the server: aws-sdk:sfn calls Stepwright's own API" },
    ]);
  });
});

describe('known failures', () => {
  it('reads one id per line with an optional # reason, keeping # inside ids', () => {
    const text = '# header\n\nchoice/test.py::T::test_a#3 # wrong cause text\nbase/x.py::T::y\n';
    expect([...parseKnownFailures(text)]).toEqual([
      ['choice/test.py::T::test_a#3', 'wrong cause text'],
      ['base/x.py::T::y', ''],
    ]);
  });
});
