// `stepwright run --data-dir` (src/cli/commands/run.ts): the CLI's durable mode.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRun } from '../../src/cli/commands/run.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRun(argv, { io: { out: (t) => (out += t), err: (t) => (err += t) } });
  return { code, out, err };
}

describe('stepwright run --data-dir', () => {
  it('runs durably, keeps the execution in the data dir, and refuses to reuse its name with other input', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-cli-'));
    dirs.push(dir);
    const def = path.join(dir, 'greet.json');
    fs.writeFileSync(
      def,
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'g.$': '$.name' }, End: true } } }),
    );
    const data = path.join(dir, 'data');
    const first = await run([def, '--data-dir', data, '--input', '{"name":"Ada"}', '--name', 'one', '--history']);
    expect(first.code).toBe(0);
    const document = JSON.parse(first.out) as { status: string; output: unknown; events: { type: string }[] };
    expect(document.status).toBe('SUCCEEDED');
    expect(document.output).toEqual({ g: 'Ada' });
    expect(document.events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(fs.existsSync(path.join(data, 'stepwright.db'))).toBe(true);
    const again = await run([def, '--data-dir', data, '--input', '{"name":"Bob"}', '--name', 'one']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('ExecutionAlreadyExists');
    // A changed definition updates the stored machine.
    fs.writeFileSync(def, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: 'v2', End: true } } }));
    const v2 = await run([def, '--data-dir', data]);
    expect(v2.out).toContain('"v2"');
  });
});
