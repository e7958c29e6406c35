// A handler's own processes (a shell's `sleep 1000 &`, child_process.spawn, subprocess.Popen) are
// in its worker's process group and end with the worker: on timeout, on shutdown, on a crash.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FunctionRuntime, type FunctionConfig } from '../../src/functions/index.js';
import { failed, functionDir, journalDir, ok, removeFunctionDirs, waitUntilGone } from './fixtures.js';

const runtime = new FunctionRuntime();
afterAll(async () => {
  await runtime.close();
  removeFunctionDirs();
});

let counter = 0;
function register(config: Omit<FunctionConfig, 'name' | 'codeDir'>, files: Record<string, string>, target = runtime): string {
  const name = `group-fn-${++counter}`;
  target.register({ name, codeDir: functionDir(files), ...config });
  return name;
}

// Starts a writer that would write `late` two seconds on, and a background `sleep 1000 &` of a
// shell; reports both pids in the journal; then waits (the timeout ends it) or answers with them.
const NODE_FORKS = `
import { execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
export const handler = async (event) => {
  const writer = spawn('sh', ['-c', 'sleep 2; echo late > ' + event.late], { stdio: 'ignore' });
  const background = Number(execSync('sleep 1000 > /dev/null 2>&1 & echo $!').toString().trim());
  const pids = [writer.pid, background];
  fs.writeFileSync(event.pids, JSON.stringify(pids));
  if (event.answer) { writer.unref(); return pids; }
  return new Promise(() => undefined);
};`;
const PYTHON_FORKS = `
import json, subprocess, time
def handler(event, context):
    writer = subprocess.Popen(["sh", "-c", "sleep 2; echo late > " + event["late"]])
    background = int(subprocess.check_output("sleep 1000 > /dev/null 2>&1 & echo $!", shell=True))
    pids = [writer.pid, background]
    with open(event["pids"], "w") as f:
        json.dump(pids, f)
    if event.get("answer"):
        return pids
    time.sleep(100)
`;

const families = [
  ['Node', { runtime: 'nodejs20.x', handler: 'index.handler' }, { 'index.mjs': NODE_FORKS }],
  ['Python', { runtime: 'python3.12', handler: 'handler.handler' }, { 'handler.py': PYTHON_FORKS }],
] as const;

describe('a handler’s child processes', () => {
  for (const [family, config, files] of families) {
    it(`${family}: are killed with the worker when the invocation times out, before they can write`, async () => {
      const fn = register({ ...config, timeoutSeconds: 1 }, files);
      const dir = journalDir();
      const event = { late: path.join(dir, 'late'), pids: path.join(dir, 'pids') };
      const started = Date.now();
      const r = failed(await runtime.invoke(fn, JSON.stringify(event)));
      expect(r.errorType).toBe('Sandbox.Timedout');
      const pids = JSON.parse(fs.readFileSync(event.pids, 'utf8')) as number[];
      expect(pids).toHaveLength(2);
      expect(await waitUntilGone(pids)).toEqual([]);
      // Past the moment the writer would have written, had it survived.
      await new Promise((r) => setTimeout(r, Math.max(0, started + 2_600 - Date.now())));
      expect(fs.existsSync(event.late)).toBe(false);
    });

    it(`${family}: are killed with the worker when the runtime shuts down`, async () => {
      const own = new FunctionRuntime();
      const fn = register({ ...config, timeoutSeconds: 5 }, files, own);
      const dir = journalDir();
      const event = { late: path.join(dir, 'late'), pids: path.join(dir, 'pids'), answer: true };
      const pids = ok(await own.invoke(fn, JSON.stringify(event))) as number[];
      expect(await waitUntilGone(pids, 300)).toEqual(pids); // a warm worker keeps them, as Lambda does
      await own.close();
      expect(await waitUntilGone(pids)).toEqual([]);
    });
  }

  it('are killed when the worker ends by itself (a crash)', async () => {
    const fn = register(
      { runtime: 'nodejs20.x', handler: 'index.handler', timeoutSeconds: 5 },
      {
        'index.mjs': `
import { execSync } from 'node:child_process';
import fs from 'node:fs';
export const handler = async (event) => {
  fs.writeFileSync(event.pids, execSync('sleep 1000 > /dev/null 2>&1 & echo $!').toString().trim());
  setTimeout(() => { throw new Error('escaped'); }, 0);
  return new Promise(() => undefined);
};`,
      },
    );
    const event = { pids: path.join(journalDir(), 'pids') };
    const r = failed(await runtime.invoke(fn, JSON.stringify(event)));
    expect(r.errorType).toBe('Runtime.ExitError');
    const pid = Number(fs.readFileSync(event.pids, 'utf8'));
    expect(await waitUntilGone([pid])).toEqual([]);
  });
});
