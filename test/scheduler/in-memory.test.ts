import { describe, expect, it } from 'vitest';
import { InvalidDefinitionError, InvalidExecutionInputError, systemClock, virtualClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { neverAnswers, output, plainHistory, run, single } from '../engine/fixtures.js';

const START = Date.UTC(2026, 0, 1);

describe('runExecution', () => {
  it('returns the execution ARN, status and output as JSON text', async () => {
    const r = await runExecution(single({ Type: 'Pass', Result: { ok: true } }), { name: 'n1', stateMachineName: 'Orders', region: 'eu-west-1', accountId: '111122223333' });
    expect(r.executionArn).toBe('arn:aws:states:eu-west-1:111122223333:execution:Orders:n1');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toBe('{"ok":true}');
    expect(r.error).toBeUndefined();
  });

  it('uses {} as input when none is given', async () => {
    const r = await run(single({ Type: 'Pass' }));
    expect(output(r)).toEqual({});
  });

  it('parses inputText as StartExecution would', async () => {
    const r = await run(single({ Type: 'Pass' }), { inputText: '{"a": [1, 2]}' });
    expect(output(r)).toEqual({ a: [1, 2] });
  });

  it('rejects inputText that is not JSON with InvalidExecutionInputError', async () => {
    await expect(run(single({ Type: 'Pass' }), { inputText: '{"a": ' })).rejects.toBeInstanceOf(InvalidExecutionInputError);
    await expect(run(single({ Type: 'Pass' }), { inputText: 'nope' })).rejects.toMatchObject({ code: 'InvalidExecutionInput' });
  });

  it('rejects an invalid definition with InvalidDefinitionError carrying the diagnostics', async () => {
    const attempt = run({ StartAt: 'Missing', States: { A: { Type: 'Pass', End: true } } });
    await expect(attempt).rejects.toBeInstanceOf(InvalidDefinitionError);
    const error = (await attempt.catch((e: unknown) => e)) as InvalidDefinitionError;
    expect(error.code).toBe('InvalidDefinition');
    expect(error.diagnostics.length).toBeGreaterThan(0);
    expect(error.diagnostics[0]).toEqual({ code: expect.any(String), path: expect.any(String), message: expect.any(String), severity: 'ERROR' });
    expect(error.message).toMatch(/^Invalid State Machine Definition: /);
  });

  it('rejects a state of an unknown type', async () => {
    await expect(run(single({ Type: 'Sleep' }))).rejects.toBeInstanceOf(InvalidDefinitionError);
  });

  it('accepts the definition as JSON text', async () => {
    const r = await run(JSON.stringify(single({ Type: 'Pass', Result: 1 })));
    expect(output(r)).toBe(1);
  });

  it('times the execution out after the machine TimeoutSeconds, with ExecutionTimedOut', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Wait', Seconds: 60 }, { TimeoutSeconds: 5 }), { clock });
    expect(r.status).toBe('TIMED_OUT');
    expect(r.output).toBeUndefined();
    expect(clock.now()).toBe(START + 5000);
    const last = r.events[r.events.length - 1];
    expect([last.type, last.timestamp.getTime()]).toEqual(['ExecutionTimedOut', START + 5000]);
    expect(r.events.some((e) => e.type === 'WaitStateExited')).toBe(false);
  });

  it('finishes normally when the work ends before the machine TimeoutSeconds', async () => {
    const r = await run(single({ Type: 'Wait', Seconds: 4 }, { TimeoutSeconds: 5 }));
    expect(r.status).toBe('SUCCEEDED');
  });

  it('stops a runaway Choice loop A → A with status ABORTED within a bounded time when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const loop = {
      StartAt: 'A',
      States: { A: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'A' }], Default: 'End' }, End: { Type: 'Succeed' } },
    };
    const began = Date.now();
    // Express: a Standard loop ends at the history quota (25,000 events) before the signal comes.
    const r = await runExecution(loop, { input: { x: 1 }, clock: virtualClock(), signal: controller.signal, type: 'EXPRESS' });
    expect(Date.now() - began).toBeLessThan(2000);
    expect(r.status).toBe('ABORTED');
    expect(r.error).toBe('States.Aborted');
  });

  it('runs an execution of more than 10,000 state transitions to its end', async () => {
    const counter = {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: 6000, Next: 'Inc' }], Default: 'Done' },
        Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    };
    const r = await runExecution(counter, { input: { i: 0 }, clock: virtualClock() });
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toEqual({ i: 6000 });
    expect(r.events.filter((e) => e.type.endsWith('StateEntered'))).toHaveLength(12_002);
  });

  it('stops an execution waiting on a task that never answers', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const r = await runExecution(single({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {} }), {
      clock: systemClock,
      resources: { invoke: neverAnswers },
      signal: controller.signal,
    });
    expect(r.status).toBe('ABORTED');
    expect(plainHistory(r.events).map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'ExecutionAborted']);
  });

  it('fails a Task with States.Runtime when no resources are configured', async () => {
    const r = await run(single({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {} }));
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });

  it('runs a long chain of states quickly', async () => {
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) states[`S${i}`] = i === 999 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` };
    const began = Date.now();
    const r = await run({ StartAt: 'S0', States: states }, { input: { n: 1 } });
    expect(r.events).toHaveLength(2002);
    expect(Date.now() - began).toBeLessThan(1000);
  });
});

describe('execution input as StartExecution checks it', () => {
  const machine = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

  it('refuses input over 256 KiB with a ValidationException', async () => {
    const big = JSON.stringify({ s: 'x'.repeat(262144) });
    await expect(runExecution(machine, { inputText: big })).rejects.toMatchObject({ code: 'ValidationException' });
  });

  it('names the line and column of a syntax error', async () => {
    await expect(runExecution(machine, { inputText: '{\n  "a": }' })).rejects.toThrow(/at line 2, column 8$/);
  });

  it('refuses nesting deeper than 1000 levels and takes 1000', async () => {
    await expect(runExecution(machine, { inputText: '['.repeat(1001) + ']'.repeat(1001) })).rejects.toThrow(/nesting depth \(1001\)/);
    const r = await runExecution(machine, { inputText: '['.repeat(1000) + ']'.repeat(1000), clock: virtualClock() });
    expect(r.status).toBe('SUCCEEDED');
  });
});
