import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/api/request-budget.js';
import { startLambdaApiWith } from './lambda/lambda-server.js';
import { buildZip } from './lambda/zip-writer.js';
import { send, startEdgeServer } from './auth/edge-server.js';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

describe('RequestBudget', () => {
  it('lets requests in while they fit, queues the rest first come first served, and counts the peak', async () => {
    const budget = new RequestBudget(100, 10_000);
    const a = await budget.acquire(60);
    const order: string[] = [];
    const b = budget.acquire(60).then((r) => (order.push('b'), r));
    const c = budget.acquire(10).then((r) => (order.push('c'), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]); // c would fit, but does not overtake b
    a?.();
    (await b)?.();
    (await c)?.();
    expect(order).toEqual(['b', 'c']);
    expect(budget.peakBytes).toBe(70);
    expect(budget.usedBytes).toBe(0);
  });

  it('runs a request larger than the whole budget alone, and refuses after the wait', async () => {
    const budget = new RequestBudget(100, 50);
    const big = await budget.acquire(500);
    expect(big).toBeDefined();
    expect(await budget.acquire(1)).toBeUndefined();
    big?.();
    big?.(); // idempotent
    expect(budget.usedBytes).toBe(0);
    expect(await budget.acquire(1)).toBeDefined();
  });
});

describe('concurrent uploads on the whole server', () => {
  let edge: Awaited<ReturnType<typeof startEdgeServer>>;
  beforeAll(async () => {
    edge = await startEdgeServer({ bodyBudgetBytes: 4 * 1024 * 1024 });
  });
  afterAll(async () => edge.close());

  it('all succeed, and no more request bodies than the budget are held at once', async () => {
    // Incompressible code: each CreateFunction body is about 1.4 MB of base64, six of them 8.4 MB.
    const bodies = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ FunctionName: `upload-${i}`, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: buildZip([{ name: 'index.js', content: 'exports.handler = async () => 1;' }, { name: 'blob.bin', content: randomBytes(1024 * 1024) }]).toString('base64') } }),
    );
    const answers = await Promise.all(bodies.map((b) => send(edge.server.url, 'POST', '/2015-03-31/functions', { 'content-type': 'application/json' }, b)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(edge.server.budget.peakBytes).toBeGreaterThan(0);
    expect(edge.server.budget.peakBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(edge.server.budget.usedBytes).toBe(0);
  });

  it('refuses a Step Functions body over 1 MB with 413 in the awsJson shape', async () => {
    const res = await send(edge.server.url, 'POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({ __type: 'ValidationException', message: 'Request size exceeds the maximum of 1048576 bytes' });
    expect(edge.server.budget.usedBytes).toBe(0);
  });

  it('holds Step Functions bodies in the same budget and gives them back', async () => {
    const res = await send(edge.server.url, 'POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{}');
    expect(res.status).toBe(200);
    expect(edge.server.budget.usedBytes).toBe(0);
  });
});

describe('a request that cannot get room in time', () => {
  it('is refused with TooManyRequestsException 429, and the budget is whole again after', async () => {
    const budget = new RequestBudget(1024 * 1024, 200);
    const api = await startLambdaApiWith({ budget });
    try {
      // A slow upload that has declared 900 KB and sent 10: it holds its share until it ends.
      const target = new URL(api.url);
      const slow = request({ host: target.hostname, port: target.port, method: 'POST', path: '/2015-03-31/functions', headers: { 'content-type': 'application/json', 'content-length': String(900 * 1024) } });
      slow.on('error', () => undefined);
      slow.write('{"Function');
      await expect.poll(() => budget.usedBytes).toBe(900 * 1024);
      const refused = await send(api.url, 'POST', '/2015-03-31/functions', { 'content-type': 'application/json' }, JSON.stringify({ FunctionName: 'x'.repeat(200 * 1024) }));
      expect(refused.status).toBe(429);
      expect(refused.headers['x-amzn-errortype']).toBe('TooManyRequestsException');
      expect(refused.json()).toMatchObject({ Reason: 'CallerRateLimitExceeded' });
      slow.destroy();
      await expect.poll(() => budget.usedBytes).toBe(0);
    } finally {
      await api.close();
    }
  });
});
