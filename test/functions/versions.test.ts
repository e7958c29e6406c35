import { afterAll, describe, expect, it } from 'vitest';
import { FunctionRuntime, ResourceNotFoundException } from '../../src/functions/index.js';
import { functionDir, ok, removeFunctionDirs } from './fixtures.js';

const runtime = new FunctionRuntime({ region: 'us-east-1', accountId: '123456789012' });
afterAll(async () => {
  await runtime.close();
  removeFunctionDirs();
});

const code = (label: string): string => functionDir({ 'index.mjs': `export const handler = async (e, c) => ({ code: '${label}', version: c.functionVersion, env: process.env.AWS_LAMBDA_FUNCTION_VERSION, mode: process.env.MODE ?? null });` });

describe('FunctionRuntime versions and aliases', () => {
  const base = { name: 'fn', runtime: 'nodejs20.x', handler: 'index.handler', timeoutSeconds: 5 } as const;
  runtime.register({ ...base, codeDir: code('latest'), environment: { MODE: 'now' } });
  runtime.register({ ...base, codeDir: code('one'), version: '1', environment: { MODE: 'then' } });

  it('runs a published version beside $LATEST, each with its own code, environment and version name', async () => {
    const latest = await runtime.invoke('fn', '{}');
    expect(ok(latest)).toEqual({ code: 'latest', version: '$LATEST', env: '$LATEST', mode: 'now' });
    expect(latest.executedVersion).toBe('$LATEST');
    const one = await runtime.invoke('fn', '{}', { qualifier: '1' });
    expect(ok(one)).toEqual({ code: 'one', version: '1', env: '1', mode: 'then' });
    expect(one.executedVersion).toBe('1');
    expect(one.logs).toContain('Version: 1');
    expect(runtime.list().map((c) => c.name)).toEqual(['fn']);
  });

  it('routes an alias to its version, or to an additional version by weight', () => {
    runtime.setAlias('fn', 'live', { functionVersion: '1', additionalVersionWeights: { $LATEST: 0.25 } });
    expect(runtime.resolveVersion('fn', 'live', () => 0.1)).toBe('$LATEST');
    expect(runtime.resolveVersion('fn', 'live', () => 0.3)).toBe('1');
    runtime.setAlias('fn', 'live', { functionVersion: '1' });
    expect(runtime.resolveVersion('fn', 'live', () => 0.1)).toBe('1');
    runtime.setAlias('fn', 'live', undefined);
    expect(runtime.resolveVersion('fn', 'live')).toBeUndefined();
  });

  it('answers an unknown version or alias with ResourceNotFoundException naming the qualified ARN', async () => {
    const missing = await runtime.invoke('fn', '{}', { qualifier: 'nope' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe('Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn:nope');
  });

  it('drops the versions and aliases of a function it unregisters', async () => {
    runtime.setAlias('fn', 'live', { functionVersion: '1' });
    await runtime.unregister('fn');
    expect(runtime.get('fn', '1')).toBeUndefined();
    expect(runtime.resolveVersion('fn', 'live')).toBeUndefined();
  });
});
