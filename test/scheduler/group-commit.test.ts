import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/scheduler/index.js';
import type { Store, WriteOp, WriteResult } from '../../src/store/index.js';

/** A store that only records the batches it is asked to commit. */
function recordingStore(): { store: Store; batches: WriteOp['kind'][][] } {
  const batches: WriteOp['kind'][][] = [];
  const store = {
    commit: (ops: readonly WriteOp[]): Promise<WriteResult[]> => {
      batches.push(ops.map((o) => o.kind));
      return Promise.resolve(ops.map((): WriteResult => ({ kind: 'applied' })));
    },
  } as unknown as Store;
  return { store, batches };
}

describe('GroupCommitter', () => {
  it('drains what was submitted while its flush is still scheduled, and lets the event loop run', async () => {
    const { store, batches } = recordingStore();
    const committer = new GroupCommitter(store, { maxBatch: 10, maxDelayMs: 50 });
    const written = committer.submit({ kind: 'releaseClaims', owner: 'w' });
    let turns = 0;
    const ticking = setInterval(() => turns++, 1);
    await committer.drain();
    expect(await written).toEqual({ kind: 'applied' });
    expect(batches).toEqual([['releaseClaims']]);
    // The flush scheduled for later finds nothing and commits nothing.
    await new Promise((r) => setTimeout(r, 60));
    clearInterval(ticking);
    expect(batches).toHaveLength(1);
    expect(turns).toBeGreaterThan(0);
  });
});
