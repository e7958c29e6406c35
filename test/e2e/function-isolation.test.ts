// The server as users start it, with a secret in its environment: function code sees none of the
// server's environment, and as root (workers then run as nobody) can read neither the server's
// /proc/<pid>/environ nor its data dir; a kill -9 of the server leaves none of the workers'
// processes behind.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalDir, removeFunctionDirs, waitUntilGone } from '../functions/fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'stepwright-e2e-secret-91c2';
const isRoot = process.getuid?.() === 0;

const NODE_PROBE = `
import fs from 'node:fs';
const attempt = (f) => { try { f(); return 'read'; } catch (e) { return e.code; } };
export const handler = async (event) => ({
  uid: process.getuid(),
  secretInEnv: Object.values(process.env).some((v) => v.includes(event.secret)),
  parentEnviron: attempt(() => fs.readFileSync('/proc/' + process.ppid + '/environ')),
  dataDir: attempt(() => fs.readdirSync(event.dataDir)),
});`;
const PYTHON_PROBE = `
import errno, os
def attempt(f):
    try:
        f()
        return "read"
    except OSError as e:
        return errno.errorcode[e.errno]
def lambda_handler(event, context):
    return {
        "uid": os.getuid(),
        "secretInEnv": any(event["secret"] in v for v in os.environ.values()),
        "parentEnviron": attempt(lambda: open("/proc/%d/environ" % os.getppid(), "rb").read()),
        "dataDir": attempt(lambda: os.listdir(event["dataDir"])),
    }
`;
const BLOCKER = `
import { execSync } from 'node:child_process';
import fs from 'node:fs';
export const handler = async (event) => {
  const background = Number(execSync('sleep 1000 > /dev/null 2>&1 & echo $!').toString().trim());
  fs.writeFileSync(event.pids + '.tmp', JSON.stringify([process.pid, background]));
  fs.renameSync(event.pids + '.tmp', event.pids);
  for (;;);
};`;

let server: ChildProcess;
let out = '';
let url = '';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-isolation-'));
const dataDir = path.join(work, 'data');
const functionsDir = path.join(work, 'functions');

function writeFunction(name: string, files: Record<string, string>): void {
  fs.mkdirSync(path.join(functionsDir, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(functionsDir, name, file), text);
}

function startServer(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--log-level', 'silent', ...args], {
    cwd: root,
    env: { ...process.env, STEPWRIGHT_TEST_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(async () => {
  writeFunction('probe-node', { 'index.mjs': NODE_PROBE, 'function.json': '{"timeoutSeconds": 10}' });
  writeFunction('probe-python', { 'lambda_function.py': PYTHON_PROBE, 'function.json': '{"timeoutSeconds": 10}' });
  writeFunction('blocker', { 'index.mjs': BLOCKER, 'function.json': '{"timeoutSeconds": 60}' });
  server = startServer(['--data-dir', dataDir, '--functions-dir', functionsDir]);
  server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    server.stdout!.on('data', () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}, 30_000);

afterAll(async () => {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
  }
  removeFunctionDirs();
  fs.rmSync(work, { recursive: true, force: true });
});

function invoke(name: string, event: unknown): Promise<unknown> {
  return fetch(`${url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) }).then((r) => r.json());
}

describe('function code in a running server', () => {
  for (const name of ['probe-node', 'probe-python']) {
    it(`${name}: sees no secret of the server's environment, nor (as root) its /proc environ or data dir`, async () => {
      const probe = (await invoke(name, { secret: SECRET, dataDir })) as Record<string, unknown>;
      expect(probe.secretInEnv).toBe(false);
      if (!isRoot) return; // docs/reliability.md: the same user can read both
      expect(probe.uid).not.toBe(0);
      expect(probe.parentEnviron).toBe('EACCES');
      expect(probe.dataDir).toBe('EACCES');
    });
  }

  it.runIf(isRoot)('keeps the data dir to the server’s user (0700) when workers run as another', () => {
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('refuses an unknown --function-user with a clear error and exit code 1', async () => {
    const bad = startServer(['--data-dir', path.join(work, 'other'), '--function-user', 'no-such-user-stepwright']);
    let err = '';
    bad.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => bad.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain("Unknown function user 'no-such-user-stepwright'");
  }, 20_000);

  // Last: it kills the server.
  it('leaves nothing of a blocked handler behind when the server is killed with SIGKILL', async () => {
    const pidsFile = path.join(journalDir(), 'pids');
    void invoke('blocker', { pids: pidsFile }).catch(() => undefined);
    for (let i = 0; i < 500 && !fs.existsSync(pidsFile); i++) await new Promise((r) => setTimeout(r, 20));
    const pids = JSON.parse(fs.readFileSync(pidsFile, 'utf8')) as number[];
    expect(await waitUntilGone(pids, 200)).toEqual(pids);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    expect(await waitUntilGone(pids, 10_000)).toEqual([]);
  }, 20_000);
});
