// Issue #13: an execution whose advance crashes the process, or throws, is failed with
// States.Runtime after a few attempts; every other execution goes on.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/index.js';
import { stepwright, tempDir } from './fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-poison-'));
const bundle = path.join(work, 'worker.mjs');

beforeAll(async () => {
  await build({
    entryPoints: [path.join(here, 'poison-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: bundle,
    logLevel: 'warning',
  });
  const link = path.join(work, 'node_modules');
  if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(here, '../../node_modules'), link);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function runWorker(dataDir: string): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, [bundle, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve({ signal, output })));
}

const POISON_ARN = 'arn:aws:states:us-east-1:123456789012:execution:poison:one';
const HEALTHY_ARN = 'arn:aws:states:us-east-1:123456789012:execution:healthy:one';

describe('Scheduler poison pills', () => {
  it('fails an execution whose advance kills the process after 3 attempts, across restarts', async () => {
    const dataDir = tempDir();
    const runs: (NodeJS.Signals | null)[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await runWorker(dataDir);
      runs.push(r.signal);
      if (r.output.includes('done')) break;
    }
    // The first run dies with its batch, then one crash per counted attempt, then the run that fails it.
    expect(runs).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL', 'SIGKILL', null]);
    const store = new SqliteStore(dataDir);
    try {
      const poison = await store.getExecution(POISON_ARN);
      expect(poison).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause:
          'Stepwright stopped advancing this execution: 3 attempts to advance it ended the server process (a crash, running out of memory, or a kill).',
      });
      expect((await store.getExecution(HEALTHY_ARN))?.status).toBe('SUCCEEDED');
      const { events } = await store.getHistory(POISON_ARN);
      expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
      expect(events[1]).toMatchObject({ executionFailedEventDetails: { error: 'States.Runtime' } });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('fails an execution whose advance throws after 3 attempts and runs the others', async () => {
    const dataDir = tempDir();
    const inner = new SqliteStore(dataDir);
    let refusals = 0;
    // The poison's pending work cannot be read three times in a row (a plain Error, not a StoreError:
    // not the store's trouble, so it counts against the execution).
    const store = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === 'pendingInbox') {
          return (arn: string) => {
            if (arn.includes(':poison:') && refusals < 3) {
              refusals++;
              return Promise.reject(new Error('inbox unreadable'));
            }
            return target.pendingInbox(arn);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const errors: string[] = [];
    const sw = await stepwright({ store, onError: (_e, where) => errors.push(where) });
    const poison = await sw.service.createStateMachine({
      name: 'poison',
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
    });
    const healthy = await sw.service.createStateMachine({
      name: 'healthy',
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', Result: 'ok', End: true } } }),
    });
    const p = await sw.service.startExecution({ stateMachineArn: poison.stateMachineArn, input: '{}' });
    const h = await sw.service.startExecution({ stateMachineArn: healthy.stateMachineArn, input: '{}' });
    expect((await sw.service.awaitExecution(h.executionArn)).status).toBe('SUCCEEDED');
    const failed = await sw.service.awaitExecution(p.executionArn);
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'Stepwright stopped advancing this execution: 3 attempts to advance it failed. Last error: inbox unreadable',
    });
    expect(refusals).toBe(3);
    expect(errors).toEqual([`advancing ${p.executionArn}`, `advancing ${p.executionArn}`, `advancing ${p.executionArn}`]);
  }, 20_000);
});
