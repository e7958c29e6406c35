import { describe, expect, it } from 'vitest';
import { advance, createSnapshot, framePath, prepareMachine, tasksWaitingByState, waitingAttempts, waitingCallbacks } from '../../src/engine/index.js';

const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';
const machine = prepareMachine({
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      End: true,
      Branches: [
        {
          StartAt: 'Approve',
          States: {
            Approve: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'f', 'Token.$': '$$.Task.Token' },
              HeartbeatSeconds: 60,
              End: true,
            },
          },
        },
        { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: ACTIVITY, End: true } } },
      ],
    },
  },
});

async function waitingSnapshot() {
  const snapshot = createSnapshot(machine, {
    arn: 'arn:aws:states:us-east-1:123456789012:execution:M:e',
    name: 'e',
    input: { order: 7 },
    startTime: 1000,
    roleArn: 'r',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
    stateMachineName: 'M',
    redriveCount: 0,
  });
  let n = 0;
  const ids = { uuid: () => `u${++n}`, random: () => 0.5 };
  const r = await advance(machine, snapshot, { type: 'start' }, 1000, ids, 1000);
  return { snapshot, effects: r.effects };
}

describe('the engine query module', () => {
  it('names the task attempts a snapshot waits for, with their frames and heartbeat timers', async () => {
    const { snapshot, effects } = await waitingSnapshot();
    const invoked = effects.flatMap((e) => (e.type === 'invokeTask' ? [e] : []));
    expect(invoked).toHaveLength(2);
    const attempts = waitingAttempts(snapshot);
    expect([...attempts.keys()].sort()).toEqual(invoked.map((e) => e.attempt).sort());
    for (const e of invoked) expect(attempts.get(e.attempt)?.frameId).toBe(e.frameId);
    const approve = invoked.find((e) => e.request.resource !== ACTIVITY)!;
    const work = invoked.find((e) => e.request.resource === ACTIVITY)!;
    expect(attempts.get(approve.attempt)?.heartbeatKey).toEqual(expect.any(String));
    expect(attempts.get(work.attempt)?.heartbeatKey).toBeUndefined();
  });

  it('lists callback tasks with their token, input and branch path, and counts the other tasks per state', async () => {
    const { snapshot, effects } = await waitingSnapshot();
    const approve = effects.find((e) => e.type === 'invokeTask' && e.request.resource !== ACTIVITY);
    if (approve?.type !== 'invokeTask') throw new Error('no callback task');
    expect(waitingCallbacks(snapshot)).toEqual([
      { stateName: 'Approve', taskToken: approve.request.taskToken, enteredEventId: expect.any(Number), input: { order: 7 }, path: [0] },
    ]);
    expect(framePath(snapshot, snapshot.rootFrameId)).toEqual([]);
    expect(framePath(snapshot, approve.frameId)).toEqual([0]);
    expect([...tasksWaitingByState(snapshot)]).toEqual([['Work', 1]]);
  });
});
