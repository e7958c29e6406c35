import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/commands/validate.js';

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwright-validate-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runValidate(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const valid = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });
const invalid = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'NOPE' } } });

describe('stepwright validate', () => {
  it('prints FILE: OK and exits 0 for a clean definition', async () => {
    const file = tempFile('ok.json', valid);
    expect(await run([file])).toEqual({ code: 0, out: `${file}: OK\n`, err: '' });
  });

  it('prints each diagnostic with file and location and exits 1', async () => {
    const file = tempFile('bad.json', invalid);
    const { code, out } = await run([file]);
    expect(code).toBe(1);
    expect(out).toBe(`${file}:/States/A/Next: MISSING_TRANSITION_TARGET Missing 'Next' target: NOPE\n${file}: MISSING_END_STATE Workflow has no terminal state\n`);
  });

  it('validates YAML files', async () => {
    const file = tempFile('ok.yaml', 'StartAt: A\nStates:\n  A:\n    Type: Succeed\n');
    expect((await run([file])).code).toBe(0);
  });

  it('checks every file and fails when any fails', async () => {
    const ok = tempFile('ok.json', valid);
    const bad = tempFile('bad.json', '{"StartAt": }');
    const { code, out } = await run([ok, bad]);
    expect(code).toBe(1);
    expect(out).toContain(`${ok}: OK`);
    expect(out).toContain(`${bad}: INVALID_JSON_DESCRIPTION Unexpected character ('}' (code 125))`);
  });

  it('prints the ValidateStateMachineDefinition response shape with --format json', async () => {
    const file = tempFile('bad.json', invalid);
    const { code, out } = await run(['--format', 'json', file]);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      result: 'FAIL',
      diagnostics: [
        { severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: NOPE", location: '/States/A/Next' },
        { severity: 'ERROR', code: 'MISSING_END_STATE', message: 'Workflow has no terminal state' },
      ],
      truncated: false,
    });
  });

  it('applies EXPRESS rules with --type EXPRESS', async () => {
    const file = tempFile('sync.json', JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', End: true } } }));
    expect((await run([file])).code).toBe(0);
    expect((await run(['--type', 'EXPRESS', file])).out).toContain("Express state machine does not support '.sync' service integration");
  });

  it('refuses .waitForTaskToken with --type EXPRESS only', async () => {
    const file = tempFile('token.json', JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true } } }));
    expect((await run([file])).code).toBe(0);
    const express = await run(['--type', 'EXPRESS', file]);
    expect(express.code).toBe(1);
    expect(express.out).toContain(":/States/T/Resource: SCHEMA_VALIDATION_FAILED Express state machine does not support '.waitForTaskToken' service integration");
  });

  it('reports a .json file that is not JSON as INVALID_JSON_DESCRIPTION, not as YAML', async () => {
    const notJson = await run([tempFile('words.json', 'hello world')]);
    expect(notJson.code).toBe(1);
    expect(notJson.out).toMatch(/^\S+words\.json: INVALID_JSON_DESCRIPTION /);
    expect((await run([tempFile('words.yaml', 'hello world')])).out).toContain('SCHEMA_VALIDATION_FAILED');
  });

  it('exits 2 on bad usage and 1 on a missing file', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--format', 'xml', 'x.json'])).code).toBe(2);
    const missing = await run([join(tmpdir(), 'does-not-exist-stepwright.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/ENOENT/);
  });
});
