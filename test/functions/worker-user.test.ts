// What function code can see of the server: its environment, /proc/<server pid>/environ, a private
// folder of the server (as the data dir is). Node and Python alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionRuntime, FunctionUserError, resolveWorkerUser, type FunctionConfig } from '../../src/functions/index.js';
import { functionDir, ok, removeFunctionDirs } from './fixtures.js';

const SECRET = 'stepwright-test-secret-4f1d';
const isRoot = process.getuid?.() === 0;
const hasNobody = fs.existsSync('/etc/passwd') && /^nobody:/m.test(fs.readFileSync('/etc/passwd', 'utf8'));

// The server's private folder (0700), with a file in it.
const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-private-'));
fs.writeFileSync(path.join(privateDir, 'store.db'), 'private');

const NODE_PROBE = `
import fs from 'node:fs';
const attempt = (f) => { try { f(); return 'read'; } catch (e) { return e.code; } };
export const handler = async (event) => ({
  uid: process.getuid(),
  secretInEnv: Object.values(process.env).some((v) => v.includes(event.secret)),
  envKeys: Object.keys(process.env).sort(),
  parentEnviron: attempt(() => fs.readFileSync('/proc/' + process.ppid + '/environ')),
  privateDir: attempt(() => fs.readdirSync(event.privateDir)),
  privateFile: attempt(() => fs.readFileSync(event.privateDir + '/store.db')),
  cwd: process.cwd(),
  taskRoot: process.env.LAMBDA_TASK_ROOT,
});`;
const PYTHON_PROBE = `
import errno, os
def attempt(f):
    try:
        f()
        return "read"
    except OSError as e:
        return errno.errorcode[e.errno]
def handler(event, context):
    return {
        "uid": os.getuid(),
        "secretInEnv": any(event["secret"] in v for v in os.environ.values()),
        "envKeys": sorted(os.environ.keys()),
        "parentEnviron": attempt(lambda: open("/proc/%d/environ" % os.getppid(), "rb").read()),
        "privateDir": attempt(lambda: os.listdir(event["privateDir"])),
        "privateFile": attempt(lambda: open(event["privateDir"] + "/store.db").read()),
        "cwd": os.getcwd(),
        "taskRoot": os.environ.get("LAMBDA_TASK_ROOT"),
    }
`;

interface Probe {
  uid: number;
  secretInEnv: boolean;
  envKeys: string[];
  parentEnviron: string;
  privateDir: string;
  privateFile: string;
  cwd: string;
  taskRoot: string;
}

const families = [
  ['Node', { runtime: 'nodejs20.x', handler: 'index.handler' }, { 'index.mjs': NODE_PROBE }],
  ['Python', { runtime: 'python3.12', handler: 'handler.handler' }, { 'handler.py': PYTHON_PROBE }],
] as const;

const runtimes: FunctionRuntime[] = [];
let counter = 0;
async function probe(
  runtime: FunctionRuntime,
  config: Pick<FunctionConfig, 'runtime' | 'handler'>,
  files: Record<string, string>,
): Promise<Probe & { codeDir: string }> {
  const name = `probe-${++counter}`;
  const codeDir = functionDir(files);
  runtime.register({ name, codeDir, environment: { OWN: 'configured' }, ...config });
  const event = { secret: SECRET, privateDir };
  return { ...(ok(await runtime.invoke(name, JSON.stringify(event))) as Probe), codeDir };
}

beforeAll(() => {
  // A secret in the server's own environment, as an AWS key or a database password would be.
  process.env.STEPWRIGHT_TEST_SECRET = SECRET;
});
afterAll(async () => {
  delete process.env.STEPWRIGHT_TEST_SECRET;
  await Promise.all(runtimes.map((r) => r.close()));
  removeFunctionDirs();
  fs.rmSync(privateDir, { recursive: true, force: true });
});

function newRuntime(workerUser?: string | false): FunctionRuntime {
  const r = new FunctionRuntime(workerUser === undefined ? {} : { workerUser });
  runtimes.push(r);
  return r;
}

describe('function workers and the server’s secrets', () => {
  for (const [family, config, files] of families) {
    it(`${family}: the environment holds Lambda's variables and the function's own, nothing of the server's`, async () => {
      const p = await probe(newRuntime(), config, files);
      expect(p.secretInEnv).toBe(false);
      expect(p.envKeys).toContain('OWN');
      expect(p.envKeys).toContain('AWS_LAMBDA_FUNCTION_NAME');
      expect(p.envKeys).not.toContain('STEPWRIGHT_TEST_SECRET');
      expect(p.envKeys).not.toContain('HOME');
    });

    it.runIf(isRoot && hasNobody)(`${family}: as root, workers run as nobody and can read neither /proc/<server>/environ nor a private folder`, async () => {
      const runtime = newRuntime();
      expect(runtime.workerUser?.name).toBe('nobody');
      const p = await probe(runtime, config, files);
      expect(p.uid).toBe(runtime.workerUser?.uid);
      expect(p.parentEnviron).toBe('EACCES');
      expect(p.privateDir).toBe('EACCES');
      expect(p.privateFile).toBe('EACCES');
      // The code folder (mkdtemp: 0700, root's) is copied for the worker user to read.
      expect(p.cwd).not.toBe(p.codeDir);
      expect(p.taskRoot).toBe(p.cwd);
    });

    it.runIf(isRoot)(`${family}: workerUser false keeps the server's user, who can read them (the limit when not root)`, async () => {
      const p = await probe(newRuntime(false), config, files);
      expect(p.uid).toBe(0);
      expect(p.parentEnviron).toBe('read');
      expect(p.privateDir).toBe('read');
      expect(p.cwd).toBe(fs.realpathSync(p.codeDir));
    });
  }

  it.runIf(isRoot && hasNobody)('stages the code once per registration and removes the copy when the function goes', async () => {
    const runtime = newRuntime();
    const p = await probe(runtime, families[0][1], families[0][2]);
    expect(fs.existsSync(p.cwd)).toBe(true);
    expect(fs.statSync(p.cwd).uid).toBe(runtime.workerUser?.uid);
    expect(fs.statSync(p.cwd).mode & 0o777).toBe(0o700);
    await runtime.unregister(`probe-${counter}`);
    expect(fs.existsSync(p.cwd)).toBe(false);
  });
});

describe('bootstraps the worker user cannot read where they are', () => {
  // As in a project cloned into a private folder (mkdtemp, a home of 0700): the bootstraps and the
  // server's node_modules are out of the worker user's reach, so both are copied for it.
  it.runIf(isRoot && hasNobody)('are copied with esbuild, so TypeScript handlers still load', async () => {
    const hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-hidden-runtimes-'));
    try {
      fs.cpSync(path.join(import.meta.dirname, '../../src/functions/runtimes'), path.join(hidden, 'runtimes'), { recursive: true });
      const runtime = new FunctionRuntime({ bootstrapsDir: path.join(hidden, 'runtimes'), idleMs: 60_000 });
      runtimes.push(runtime);
      expect(runtime.workerUser?.name).toBe('nobody');
      const dir = functionDir({ 'index.ts': "import { twice } from './lib.js';\nexport const handler = async (e: { n: number }): Promise<number> => twice(e.n);\n", 'lib.ts': 'export const twice = (n: number): number => n * 2;\n' });
      runtime.register({ name: 'ts-hidden', runtime: 'nodejs20.x', handler: 'index.handler', codeDir: dir });
      expect(ok(await runtime.invoke('ts-hidden', '{"n":21}'))).toBe(42);
    } finally {
      fs.rmSync(hidden, { recursive: true, force: true });
    }
  });
});

describe('resolveWorkerUser', () => {
  it('refuses an unknown user by name', () => {
    expect(() => resolveWorkerUser('no-such-user-stepwright')).toThrow(FunctionUserError);
  });

  it('keeps the server’s user for false and for the server’s own uid', () => {
    expect(resolveWorkerUser(false)).toBeUndefined();
    expect(resolveWorkerUser(String(process.getuid?.()))).toBeUndefined();
  });

  it.runIf(isRoot)('takes uid:gid as given', () => {
    expect(resolveWorkerUser('4242:4343')).toEqual({ name: '4242', uid: 4242, gid: 4343 });
  });

  it.runIf(!isRoot)('refuses another user when the server is not root', () => {
    expect(() => resolveWorkerUser('0')).toThrow(/only a server running as root/);
  });
});
