import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTION_RUNTIMES, FunctionRuntime } from '../../src/functions/index.js';
import { resolveInterpreter } from '../../src/functions/interpreters.js';
import { functionDir, ok, removeFunctionDirs } from './fixtures.js';

const binDirs: string[] = [];
afterAll(() => {
  removeFunctionDirs();
  for (const d of binDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A PATH folder holding the given executables: shell scripts, or symlinks to real files. */
function binDir(entries: Record<string, string | { link: string }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-bin-'));
  binDirs.push(dir);
  for (const [name, what] of Object.entries(entries)) {
    const file = path.join(dir, name);
    if (typeof what === 'string') fs.writeFileSync(file, `#!/bin/sh\n${what}\n`, { mode: 0o755 });
    else fs.symlinkSync(what.link, file);
  }
  return dir;
}

/** An interpreter that answers the version probe as `version` would. */
const fakeInterpreter = (version: string, dir = '/opt/fake'): string => `echo ${version}; echo ${dir}/bin/interp`;

const SERVER_NODE = { command: '/usr/bin/node', version: '20.20.2' };

describe('the runtimes Stepwright runs', () => {
  it('takes every Node.js and Python name of the AWS Lambda model that Lambda accepts for new functions', () => {
    for (const name of ['nodejs24.x', 'nodejs22.x', 'nodejs20.x', 'nodejs18.x', 'python3.14', 'python3.13', 'python3.12', 'python3.9'])
      expect(FUNCTION_RUNTIMES).toContain(name);
    expect(FUNCTION_RUNTIMES).not.toContain('python3.7');
    expect(FUNCTION_RUNTIMES).not.toContain('java21');
  });
});

describe('resolveInterpreter', () => {
  it('runs python3.12 on a python3.12 of the PATH when one answers', () => {
    const dir = binDir({ 'python3.12': fakeInterpreter('3.12.4', '/opt/py312'), python3: fakeInterpreter('3.11.7') });
    expect(resolveInterpreter('python3.12', dir, undefined)).toEqual({ command: '/opt/py312/bin/interp', version: '3.12.4', matches: true });
  });

  it('passes over a python3.X that does not run (a pyenv shim of a version not selected) and says which python3 runs instead', () => {
    const dir = binDir({ 'python3.13': 'echo "pyenv: python3.13: command not found" >&2; exit 127', python3: fakeInterpreter('3.11.7', '/opt/py311') });
    const found = resolveInterpreter('python3.13', dir, undefined);
    expect(found).toMatchObject({ command: '/opt/py311/bin/interp', version: '3.11.7', matches: false });
    expect(found.note).toBe('python3.13 asked; runs on Python 3.11.7 (/opt/py311/bin/interp): no python3.13 on PATH');
  });

  it('takes a python3 of the right version when there is no python3.X', () => {
    const dir = binDir({ python3: fakeInterpreter('3.10.13', '/opt/py310') });
    expect(resolveInterpreter('python3.10', dir, undefined)).toMatchObject({ command: '/opt/py310/bin/interp', matches: true });
  });

  it("runs a Node runtime on the server's Node when its major version matches", () => {
    expect(resolveInterpreter('nodejs20.x', binDir({}), undefined, SERVER_NODE)).toEqual({ ...SERVER_NODE, matches: true });
  });

  it('finds node22 or a node of version 22 on the PATH for nodejs22.x', () => {
    const named = binDir({ node22: fakeInterpreter('22.3.0', '/opt/node22') });
    expect(resolveInterpreter('nodejs22.x', named, undefined, SERVER_NODE)).toMatchObject({ command: '/opt/node22/bin/interp', version: '22.3.0', matches: true });
    const plain = binDir({ node: fakeInterpreter('22.11.0', '/opt/n') });
    expect(resolveInterpreter('nodejs22.x', plain, undefined, SERVER_NODE)).toMatchObject({ version: '22.11.0', matches: true });
  });

  it("falls back to the server's Node for nodejs24.x, naming it", () => {
    const found = resolveInterpreter('nodejs24.x', binDir({ node: fakeInterpreter('18.0.0') }), undefined, SERVER_NODE);
    expect(found).toMatchObject({ ...SERVER_NODE, matches: false });
    expect(found.note).toBe('nodejs24.x asked; runs on Node.js 20.20.2 (/usr/bin/node): no Node.js 24 on PATH (as node24 or node)');
  });
});

describe('FunctionRuntime interpreters', () => {
  const real312 = '/root/.pyenv/versions/3.12.1/bin/python3.12';
  const real311 = fs.existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : undefined;

  it.skipIf(!fs.existsSync(real312) || real311 === undefined)('runs a python3.12 function on Python 3.12 and a python3.13 one on python3, telling which', async () => {
    const notices: string[] = [];
    const dir = binDir({ 'python3.12': { link: real312 }, python3: { link: real311! } });
    // The server's own user: pyenv's interpreters under /root are not for `nobody` to run.
    const runtime = new FunctionRuntime({ path: `${dir}:/usr/bin:/bin`, workerUser: false, onNotice: (m) => notices.push(m) });
    try {
      const code = functionDir({ 'lambda_function.py': 'import sys\ndef lambda_handler(e, c):\n    return "%d.%d" % sys.version_info[:2]\n' });
      runtime.register({ name: 'py312', runtime: 'python3.12', handler: 'lambda_function.lambda_handler', codeDir: code, timeoutSeconds: 10 });
      runtime.register({ name: 'py313', runtime: 'python3.13', handler: 'lambda_function.lambda_handler', codeDir: code, timeoutSeconds: 10 });
      // Registered again (as `dev` does on a save): said once.
      runtime.register({ name: 'py313', runtime: 'python3.13', handler: 'lambda_function.lambda_handler', codeDir: code, timeoutSeconds: 10 });
      expect(ok(await runtime.invoke('py312', '{}'))).toBe('3.12');
      expect(ok(await runtime.invoke('py313', '{}'))).toBe('3.11');
      expect(notices).toEqual([expect.stringMatching(/^function py313: python3\.13 asked; runs on Python 3\.11\.\d+ \(.*python3(\.11)?\): no python3\.13 on PATH$/)]);
    } finally {
      await runtime.close();
    }
  });
});
