// The server killed with SIGKILL runs no exit hook: each worker's bootstrap notices that its parent
// is gone and kills its own process group, even while its handler blocks the event loop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionDir, journalDir, removeFunctionDirs, waitUntilGone } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
afterAll(() => removeFunctionDirs());

const families = [
  [
    'Node',
    { runtime: 'nodejs20.x', handler: 'index.handler' },
    {
      'index.mjs': `
import { execSync } from 'node:child_process';
import fs from 'node:fs';
export const handler = async (event) => {
  const background = Number(execSync('sleep 1000 > /dev/null 2>&1 & echo $!').toString().trim());
  fs.writeFileSync(event.pids, JSON.stringify([process.pid, background]));
  for (;;);
};`,
    },
  ],
  [
    'Python',
    { runtime: 'python3.12', handler: 'handler.handler' },
    {
      'handler.py': `
import json, os, subprocess
def handler(event, context):
    background = int(subprocess.check_output("sleep 1000 > /dev/null 2>&1 & echo $!", shell=True))
    with open(event["pids"], "w") as f:
        json.dump([os.getpid(), background], f)
    while True:
        pass
`,
    },
  ],
] as const;

describe('a worker whose server is killed with SIGKILL', () => {
  for (const [family, config, files] of families) {
    it(`${family}: ends with everything its handler started, though the handler never yields`, async () => {
      const pidsFile = path.join(journalDir(), 'pids');
      const fn = { name: 'blocked', codeDir: functionDir(files), timeoutSeconds: 60, ...config };
      const host = spawn(process.execPath, ['--import', 'tsx', 'test/functions/runtime-host.ts', JSON.stringify(fn), JSON.stringify({ pids: pidsFile })], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      host.stdout.on('data', (d: Buffer) => (out += d.toString()));
      host.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise((r) => host.once('exit', r));
      try {
        let pids: number[] | undefined;
        for (let i = 0; i < 1000 && pids === undefined && host.exitCode === null; i++) {
          await new Promise((r) => setTimeout(r, 20));
          pids = readPids(pidsFile);
        }
        expect(pids, out).toHaveLength(2);
        if (pids === undefined) return;
        expect(await waitUntilGone(pids, 200)).toEqual(pids);
        host.kill('SIGKILL');
        await exited;
        expect(await waitUntilGone(pids, 10_000)).toEqual([]);
      } finally {
        if (host.exitCode === null) host.kill('SIGKILL');
      }
    }, 30_000);
  }
});

/** The pids the handler wrote, once the whole file is there. */
function readPids(file: string): number[] | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as number[];
  } catch {
    return undefined;
  }
}
