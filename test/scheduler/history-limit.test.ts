import { describe, expect, it } from 'vitest';
import type { HistoryEvent, TaskResources, TaskResult } from '../../src/engine/index.js';
import type { App } from '../../src/app/create-app.js';
import { closeAll, stepwright, tempDir } from './fixtures.js';

const CHARGE = 'arn:aws:lambda:us-east-1:123456789012:function:charge';
const CAUSE = 'The execution reached the maximum number of history events (25000).';

/** `charge` fails on its first call and succeeds after. */
function failOnce(): TaskResources {
  let calls = 0;
  return {
    invoke: (): Promise<TaskResult> =>
      Promise.resolve(++calls === 1 ? { ok: false, error: 'PaymentDown', cause: 'down' } : { ok: true, output: {} }),
  };
}

const loop = (p: string, bound: number, then: string) => ({
  [`${p}Inc`]: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: `${p}Check` },
  [`${p}Check`]: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: bound, Next: `${p}Inc` }], Default: then },
});

/**
 * 6,000 turns (24,001 events), a Task that fails the first time (event 24,006 ends the execution),
 * then 1,000 more turns after it: room for them only if the history started again at a redrive.
 */
const MACHINE = {
  StartAt: 'aInc',
  States: {
    ...loop('a', 6000, 'Charge'),
    Charge: { Type: 'Task', Resource: CHARGE, ResultPath: null, Next: 'bInc' },
    ...loop('b', 7000, 'Done'),
    Done: { Type: 'Succeed' },
  },
};

async function lastEvents(sw: App, executionArn: string, n: number): Promise<HistoryEvent[]> {
  return (await sw.service.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: n })).events;
}

async function settled(sw: App, executionArn: string) {
  for (;;) {
    const d = await sw.service.awaitExecution(executionArn);
    if (d.status !== 'RUNNING') return d;
  }
}

describe('the history quota in the durable scheduler', () => {
  it('counts across a restart and a redrive: the redriven execution fails at event 25,000 with States.Runtime', async () => {
    const dataDir = tempDir();
    const resources = failOnce();
    let sw = await stepwright({ dataDir, resources });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'counting', definition: MACHINE });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn, name: 'c-1', input: '{"n":0}' });
    expect(await settled(sw, executionArn)).toMatchObject({ status: 'FAILED', error: 'PaymentDown', redriveStatus: 'REDRIVABLE' });
    expect((await lastEvents(sw, executionArn, 1))[0]).toMatchObject({ type: 'ExecutionFailed', id: 24_006 });

    // A restart reads the count back from the store.
    await closeAll();
    sw = await stepwright({ dataDir, resources });
    await sw.service.redriveExecution({ executionArn });
    const done = await settled(sw, executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: CAUSE });
    expect(done.redriveStatus).toBe('NOT_REDRIVABLE');
    expect(done.redriveStatusReason).toBe('Execution history event limit exceeded');

    const [last, before] = await lastEvents(sw, executionArn, 2);
    expect(last).toMatchObject({ type: 'ExecutionFailed', id: 25_000, previousEventId: 24_999 });
    expect(last.executionFailedEventDetails).toEqual({ error: 'States.Runtime', cause: CAUSE });
    expect(before.id).toBe(24_999);
    expect(before.type).toMatch(/^(Pass|Choice)State/);
    const redriven = (await sw.service.getExecutionHistory({ executionArn, maxResults: 1, nextToken: Buffer.from('24006').toString('base64url') })).events;
    expect(redriven[0]).toMatchObject({ type: 'ExecutionRedriven', id: 24_007 });
    await expect(sw.service.redriveExecution({ executionArn })).rejects.toMatchObject({ code: 'ExecutionNotRedrivable' });
  });
});
