import { describe, expect, it } from 'vitest';
import { StoreBackOff } from '../../src/scheduler/back-off.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { SqliteStore, StoreError } from '../../src/store/index.js';
import { tempDir } from './fixtures.js';

describe('StoreBackOff', () => {
  it('counts the failures of one moment once: a failed commit of 500 passes waits the first delay', () => {
    const b = new StoreBackOff(1000, 30_000);
    for (let i = 0; i < 500; i++) b.failed(10_000 + i);
    expect(b.delayMs()).toBe(1000);
  });

  it('doubles for each retry that fails after its wait, up to the cap, and starts over once the store works', () => {
    const b = new StoreBackOff(1000, 30_000);
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.failed(now);
      waits.push(b.delayMs());
      now += b.delayMs();
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    b.worked();
    b.failed(now);
    expect(b.delayMs()).toBe(1000);
  });
});

describe('Scheduler after a failed group commit', () => {
  it('retries the passes of a failed commit after the first delay, not after the cap', async () => {
    const store = new SqliteStore(tempDir(), { synchronous: 'OFF' });
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
    await store.createStateMachine({ arn: machine, name: 'm', type: 'STANDARD', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), roleArn: 'r', createdAt: 1 });
    const commit = store.commit.bind(store);
    let failures = 0;
    // The first commit of advances fails as a full disk would: every pass in it fails together.
    store.commit = (ops) => {
      if (failures === 0 && ops.filter((o) => o.kind === 'applyAdvance').length >= 50) {
        failures++;
        return Promise.reject(new StoreError('the disk is full (simulated)', 'DiskFull'));
      }
      return commit(ops);
    };
    // No poll within the test: only the back-off brings the failed passes back.
    const scheduler = new Scheduler({ store, pollMs: 600_000, onError: () => undefined, onNotice: () => undefined });
    await scheduler.start();
    try {
      const records = Array.from({ length: 300 }, (_, i) => ({
        arn: `arn:aws:states:us-east-1:123456789012:execution:m:e${i}`, stateMachineArn: machine, revision: 1, name: `e${i}`, status: 'RUNNING' as const, input: '{}', startDate: Date.now(),
      }));
      await Promise.all(records.map((execution) => scheduler.submit({ kind: 'createExecution', execution })));
      const t0 = Date.now();
      for (const r of records) scheduler.wake(r.arn);
      for (const r of records) expect(await scheduler.awaitCompletion(r.arn)).toMatchObject({ status: 'SUCCEEDED' });
      expect(failures).toBe(1);
      // Counted once per pass, the failures of that one commit would have set the wait to its cap of 30 s.
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      await scheduler.close();
      await store.close();
    }
  }, 40_000);
});
