// The workload of the crash test, shared by the worker process and the test that checks it.
import type { Json } from '../../src/language/json.js';
import type { TaskRequest, TaskResult } from '../../src/engine/index.js';

const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:work';
const SUM = 'arn:aws:lambda:us-east-1:123456789012:function:sum';

export const CRASH_MACHINE = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'items.$': '$.items', 'wait.$': '$.wait' }, Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.wait', NumericGreaterThan: 0, Next: 'Pause' }], Default: 'Fan' },
    Pause: { Type: 'Wait', SecondsPath: '$.wait', Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 2,
              ItemSelector: { 'n.$': '$$.Map.Item.Value', 'key.$': "States.Format('{}-{}', $.id, $$.Map.Item.Index)" },
              ItemProcessor: {
                StartAt: 'Work',
                States: {
                  Work: {
                    Type: 'Task',
                    Resource: WORK,
                    Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
                    Catch: [{ ErrorEquals: ['Broken'], ResultPath: '$.caught', Next: 'Recovered' }],
                    Next: 'Checked',
                  },
                  Recovered: { Type: 'Pass', Parameters: { 'recovered.$': '$.n' }, End: true },
                  Checked: {
                    Type: 'Choice',
                    Choices: [{ Variable: '$.big', BooleanEquals: true, Next: 'Big' }],
                    Default: 'Small',
                  },
                  Big: { Type: 'Pass', Parameters: { 'big.$': '$.value' }, End: true },
                  Small: { Type: 'Pass', Parameters: { 'small.$': '$.value' }, End: true },
                },
              },
              End: true,
            },
          },
        },
        {
          StartAt: 'Sum',
          States: {
            Sum: {
              Type: 'Task',
              Resource: SUM,
              Parameters: { 'key.$': "States.Format('{}-sum', $.id)", 'items.$': '$.items' },
              End: true,
            },
          },
        },
      ],
      ResultSelector: { 'each.$': '$[0]', 'sum.$': '$[1].sum' },
      Next: 'Done',
    },
    Done: { Type: 'Pass', Parameters: { 'result.$': '$' }, End: true },
  },
};

export const EXECUTIONS = 24;

export function crashInput(i: number): { name: string; input: Json } {
  const items = Array.from({ length: 1 + (i % 4) }, (_, k) => i * 10 + k);
  return { name: `e${i}`, input: { id: `e${i}`, items, wait: i % 3 === 0 ? 1 : 0 } };
}

/**
 * What the task functions answer, given how many distinct attempts (idempotency keys) of this task
 * have run so far including this one. A re-dispatch of the same attempt counts once, so the answer
 * is the same however often a crash makes it run again.
 */
export function crashTaskResult(request: TaskRequest, attemptsSoFar: number): TaskResult {
  const p = request.parameters as { key: string; n?: number; items?: number[] };
  if (p.items !== undefined) return { ok: true, output: { sum: p.items.reduce((a, b) => a + b, 0) } };
  const n = p.n ?? 0;
  if (n % 7 === 3) return { ok: false, error: 'Broken', cause: `item ${n} is broken` };
  if (n % 3 === 0 && attemptsSoFar === 1) return { ok: false, error: 'Flaky', cause: `first attempt at ${n} fails` };
  return { ok: true, output: { value: n * 2, big: n >= 100 } };
}

export function taskKeyOf(request: TaskRequest): string {
  return (request.parameters as { key: string }).key;
}
