import { afterAll, describe, expect, it } from 'vitest';
import { FunctionConfigError, loadFunctionsDir } from '../../src/functions/index.js';
import { functionDir, removeFunctionDirs } from './fixtures.js';

afterAll(removeFunctionDirs);

describe('loadFunctionsDir', () => {
  it('reads each functions/<name>/ folder, with defaults from the files present', () => {
    const dir = functionDir({
      'save-order/lambda_function.py': 'def lambda_handler(e, c):\n    return e\n',
      'notify/index.mjs': 'export const handler = async () => 1;',
      'configured/function.json': JSON.stringify({
        runtime: 'python3.11',
        handler: 'app.main',
        environment: { TABLE: 'orders' },
        timeoutSeconds: 10,
        memoryMB: 256,
        reservedConcurrency: 2,
        description: 'd',
      }),
      'configured/app.py': 'def main(e, c):\n    return 1\n',
      '.hidden/index.js': '',
    });
    const configs = loadFunctionsDir(dir);
    expect(configs.map((c) => [c.name, c.runtime, c.handler])).toEqual([
      ['configured', 'python3.11', 'app.main'],
      ['notify', 'nodejs20.x', 'index.handler'],
      ['save-order', 'python3.12', 'lambda_function.lambda_handler'],
    ]);
    expect(configs[0]).toMatchObject({
      environment: { TABLE: 'orders' },
      timeoutSeconds: 10,
      memoryMB: 256,
      reservedConcurrency: 2,
      description: 'd',
      codeDir: `${dir}/configured`,
    });
  });

  it('answers no functions for a missing folder', () => {
    expect(loadFunctionsDir('/no/such/dir')).toEqual([]);
  });

  it('refuses an unsupported runtime and a folder whose runtime cannot be told', () => {
    expect(() => loadFunctionsDir(functionDir({ 'f/function.json': '{"runtime":"java21"}' }))).toThrow(
      FunctionConfigError,
    );
    expect(() => loadFunctionsDir(functionDir({ 'g/readme.txt': '' }))).toThrow(/cannot tell the runtime/);
  });
});

describe('a project with a broken function folder', () => {
  it('loads the other functions and reports the broken one by folder, with its file and reason', () => {
    const dir = functionDir({
      'good/index.mjs': 'export const handler = async () => 1;',
      'bad-json/function.json': '{ "runtime": ',
      'bad-runtime/function.json': JSON.stringify({ runtime: 'java21' }),
      'bad-runtime/Main.java': '',
    });
    const reported: [string, string][] = [];
    const configs = loadFunctionsDir(dir, (folder, e) => reported.push([folder, e.message]));
    expect(configs.map((c) => c.name)).toEqual(['good']);
    expect(reported).toEqual([
      ['bad-json', expect.stringMatching(/bad-json\/function\.json: .*JSON/)],
      ['bad-runtime', expect.stringMatching(/unsupported runtime 'java21' \(Stepwright runs nodejs16\.x, .*python3\.14\)/)],
    ]);
    expect(() => loadFunctionsDir(dir)).toThrow(FunctionConfigError);
  });

  it('accepts the newest runtime names of the AWS model in function.json', () => {
    const dir = functionDir({
      'n/function.json': JSON.stringify({ runtime: 'nodejs24.x' }),
      'n/index.mjs': '',
      'p/function.json': JSON.stringify({ runtime: 'python3.14' }),
      'p/lambda_function.py': '',
    });
    expect(loadFunctionsDir(dir).map((c) => c.runtime)).toEqual(['nodejs24.x', 'python3.14']);
  });
});
