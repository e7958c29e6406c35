// Issue #13: a full disk (SQLITE_FULL, simulated with max_page_count) is a typed StoreError; the
// scheduler logs it once, backs off, and carries on when space comes back; nothing acknowledged is lost.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { SqliteStore, StoreError } from '../../src/store/index.js';
import { tempDir } from './fixtures.js';

describe('Scheduler on a full disk', () => {
  it('refuses new work with DiskFull, logs it at most once, and finishes everything once the disk frees up', async () => {
    const store = new SqliteStore(tempDir(), { synchronous: 'OFF' });
    const errors: unknown[] = [];
    const sw = await createApp({ store, onError: (e) => errors.push(e) });
    try {
      const { stateMachineArn } = await sw.service.createStateMachine({
        name: 'fill',
        definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }),
      });
      const pages = (store as unknown as { db: { pragma(s: string, o: object): number } }).db.pragma('page_count', { simple: true });
      store.setMaxPageCount(pages + 40);
      const input = JSON.stringify({ pad: 'x'.repeat(20_000) });
      const started: string[] = [];
      let refusal: unknown;
      for (let i = 0; i < 200 && refusal === undefined; i++) {
        try {
          started.push((await sw.service.startExecution({ stateMachineArn, input })).executionArn);
        } catch (e) {
          refusal = e;
        }
      }
      expect(refusal).toBeInstanceOf(StoreError);
      expect((refusal as StoreError).code).toBe('DiskFull');
      expect((refusal as StoreError).message).toMatch(/The disk holding .* is full/);
      expect(started.length).toBeGreaterThan(0);
      store.setMaxPageCount(1_000_000);
      for (const arn of started) expect((await sw.service.awaitExecution(arn)).status).toBe('SUCCEEDED');
      // However many passes hit the full disk, the scheduler said so at most once.
      const diskFull = errors.filter((e) => e instanceof StoreError && e.code === 'DiskFull');
      expect(diskFull.length).toBeLessThanOrEqual(1);
    } finally {
      await sw.close();
    }
  }, 60_000);
});
