import { describe, expect, it } from 'vitest';
import { ActivityQueue } from '../../src/integrations/activity-queue.js';
import { SignalHub } from '../../src/store/index.js';

const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';
const request = (n: number) => ({
  resource: ACTIVITY,
  parameters: { n },
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
  stateName: 'Work',
  taskToken: `token-${n}`,
  idempotencyKey: `key-${n}`,
});

describe('ActivityQueue signals', () => {
  it('announces each task through the connected signals, and a waiting poll takes it from there', async () => {
    const queue = new ActivityQueue();
    const hub = new SignalHub();
    queue.connectSignals(hub);
    const heard: string[] = [];
    hub.on('activityTaskAvailable', undefined, (arn) => heard.push(arn));
    const first = queue.poll(ACTIVITY, 10_000);
    const second = queue.poll(ACTIVITY, 10_000);
    void queue.dispatch(request(1));
    void queue.dispatch(request(2));
    expect(await first).toEqual({ taskToken: 'token-1', input: '{"n":1}' });
    expect(await second).toEqual({ taskToken: 'token-2', input: '{"n":2}' });
    expect(heard).toEqual([ACTIVITY, ACTIVITY]);
  });

  it('keeps waiting when a signal finds no task left, and answers nothing at the end of the poll', async () => {
    const queue = new ActivityQueue();
    const hub = new SignalHub();
    queue.connectSignals(hub);
    const poll = queue.poll(ACTIVITY, 50);
    hub.publish('activityTaskAvailable', ACTIVITY); // raised elsewhere; nothing is queued here
    expect(await poll).toBeUndefined();
    // A later task waits in the queue for the next poll.
    void queue.dispatch(request(3));
    expect(await queue.poll(ACTIVITY, 0)).toEqual({ taskToken: 'token-3', input: '{"n":3}' });
  });
});
