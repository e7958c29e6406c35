import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRun } from '../../src/cli/commands/run.js';

function files(entries: Record<string, string>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwright-run-'));
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return (name) => join(dir, name);
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRun(argv, { io: { out: (t) => (out += t), err: (t) => (err += t) } });
  return { code, out, err };
}

const passMachine = JSON.stringify({
  StartAt: 'Greet',
  States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello {}', $.name)" }, End: true } },
});

describe('stepwright run', () => {
  it('prints the output of a succeeded execution and exits 0', async () => {
    const f = files({ 'm.json': passMachine });
    const r = await run([f('m.json'), '--input', '{"name":"Ada"}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ greeting: 'Hello Ada' });
  });

  it('reads the input from a file given as @file and a YAML definition', async () => {
    const f = files({
      'm.yaml': 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    ResultPath: $.seen\n    Result: true\n    End: true\n',
      'in.json': '{"x": 1}',
    });
    const r = await run([f('m.yaml'), '--input', `@${f('in.json')}`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ x: 1, seen: true });
  });

  it('prints error and cause and exits 1 when the execution fails', async () => {
    const f = files({ 'm.json': JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'it broke' } } }) });
    const r = await run([f('m.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('FAILED: Oops\nit broke\n');
  });

  it('prints AWS history events with --history', async () => {
    const f = files({ 'm.json': passMachine });
    const r = await run([f('m.json'), '--input', '{"name":"Ada"}', '--history']);
    const events = JSON.parse(r.out.slice(0, r.out.lastIndexOf(']') + 1)) as { type: string; id: number; previousEventId: number }[];
    expect(events.map((e) => [e.type, e.id, e.previousEventId])).toEqual([
      ['ExecutionStarted', 1, 0],
      ['PassStateEntered', 2, 0],
      ['PassStateExited', 3, 2],
      ['ExecutionSucceeded', 4, 3],
    ]);
  });

  it('refuses an invalid definition with diagnostics naming the place', async () => {
    const f = files({ 'm.json': JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Ship' } } }) });
    const r = await run([f('m.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('/States/A/Next');
  });

  it('refuses input that is not JSON', async () => {
    const f = files({ 'm.json': passMachine });
    const r = await run([f('m.json'), '--input', '{nope']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^InvalidExecutionInput: /);
  });
});

describe('stepwright run with a project', () => {
  it("runs Lambda Task states with the project's functions (TypeScript and Python)", async () => {
    const r = await run([
      'examples/order-processing/state-machines/order-processing.asl.json',
      '--input',
      '@examples/order-processing/sample-input.json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { orderId: string; fulfilment: { invoice: { invoiceNumber: string } } };
    expect(out.orderId).toBe('order-1001');
    expect(out.fulfilment.invoice.invoiceNumber).toBe('INV-order-1001');
  });
});
