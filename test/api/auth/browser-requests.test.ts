import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../lambda/zip-writer.js';
import { CROSS_SITE, send, startEdgeServer } from './edge-server.js';

// The issue: any web page the user visits could create and invoke a function (two no-cors
// text/plain POSTs) and so run code as the server's user; DNS rebinding could do the same with
// the page's own name in Host.

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const ZIP = buildZip([{ name: 'index.js', content: "exports.handler = async () => require('os').userInfo().username;" }]).toString('base64');
const CREATE = JSON.stringify({ FunctionName: 'pwned', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: ZIP } });

let edge: Awaited<ReturnType<typeof startEdgeServer>>;
let url: string;
let host: string;

beforeAll(async () => {
  edge = await startEdgeServer({ allowedHosts: ['stepwright.internal'] });
  url = edge.server.url;
  host = new URL(url).host;
});
afterAll(async () => edge.close());

const functionNames = async (): Promise<string[]> =>
  (await send(url, 'GET', '/2015-03-31/functions', {})).json<{ Functions: { FunctionName: string }[] }>().Functions.map((f) => f.FunctionName);

describe('a page on another origin', () => {
  it('cannot create or invoke a function with no-cors text/plain POSTs', async () => {
    const create = await send(url, 'POST', '/2015-03-31/functions', { ...CROSS_SITE, 'content-type': 'text/plain;charset=UTF-8' }, CREATE);
    expect(create.status).toBe(403);
    expect(create.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(create.json().message).toMatch(/refuses requests from the web origin 'http:\/\/evil\.example'/);
    const invoke = await send(url, 'POST', '/2015-03-31/functions/pwned/invocations', { ...CROSS_SITE, 'content-type': 'text/plain;charset=UTF-8' }, '{}');
    expect(invoke.status).toBe(403);
    expect(await functionNames()).not.toContain('pwned');
  });

  it('is refused on the Step Functions API and the console data too, each in its own shape', async () => {
    const sfn = await send(url, 'POST', '/', { ...CROSS_SITE, 'content-type': 'text/plain', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{}');
    expect(sfn.status).toBe(403);
    expect(sfn.json().__type).toBe('AccessDeniedException');
    const data = await send(url, 'GET', '/console/api/executions', { 'sec-fetch-site': 'cross-site' });
    expect(data.status).toBe(403);
    expect(data.json().__type).toBe('AccessDeniedException');
  });

  it('is refused when it is another port of the same host (same-site is not same-origin)', async () => {
    const res = await send(url, 'POST', '/2015-03-31/functions', { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, CREATE);
    expect(res.status).toBe(403);
    const nullOrigin = await send(url, 'POST', '/2015-03-31/functions', { origin: 'null', 'content-type': 'application/json' }, CREATE);
    expect(nullOrigin.status).toBe(403);
    expect(await functionNames()).not.toContain('pwned');
  });

  it('gets no CORS preflight granted and no CORS headers on any answer', async () => {
    const preflight = await send(url, 'OPTIONS', '/2015-03-31/functions', { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    expect(preflight.status).toBe(403);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const sfnPreflight = await send(url, 'OPTIONS', '/', { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target' });
    expect(sfnPreflight.status).toBe(403);
    expect(Object.keys(sfnPreflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const plain = await send(url, 'GET', '/2015-03-31/functions', { origin: `http://${host}` });
    expect(plain.status).toBe(200);
    expect(Object.keys(plain.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('may still open the console page from a link (a navigation carries no data)', async () => {
    const page = await send(url, 'GET', '/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(page.status).not.toBe(403);
  });
});

describe('the server itself', () => {
  it("answers its own origin's pages (the console) and clients that send no Origin (SDKs, CLI)", async () => {
    const own = await send(url, 'POST', '/', { origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{}');
    expect(own.status).toBe(200);
    const cli = await send(url, 'POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{}');
    expect(cli.status).toBe(200);
  });
});

describe('DNS rebinding', () => {
  it('refuses a Host the server is not known by, saying how to allow it', async () => {
    const sfn = await send(url, 'POST', '/', { host: 'evil.example:8083', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{}');
    expect(sfn.status).toBe(403);
    expect(sfn.json()).toEqual({ __type: 'AccessDeniedException', message: expect.stringContaining('--allowed-host evil.example') as unknown });
    const lambda = await send(url, 'POST', '/2015-03-31/functions', { host: 'evil.example', 'content-type': 'application/json' }, CREATE);
    expect(lambda.status).toBe(403);
    expect(lambda.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    const page = await send(url, 'GET', '/', { host: 'evil.example' });
    expect(page.status).toBe(403);
    expect(await functionNames()).not.toContain('pwned');
  });

  it('answers loopback names, IP addresses, their sync- forms and the names given with --allowed-host', async () => {
    const port = new URL(url).port;
    for (const name of ['localhost', `localhost:${port}`, '127.0.0.1', '[::1]', '10.1.2.3', 'sync-localhost', 'sync-127.0.0.1', 'stepwright.internal', 'Sync-Stepwright.Internal:80']) {
      const res = await send(url, 'GET', '/health', { host: name });
      expect([name, res.status]).toEqual([name, 200]);
    }
    for (const name of ['localhost.evil.example', 'sync-evil.example', 'internal', 'user@localhost']) {
      const res = await send(url, 'GET', '/health', { host: name });
      expect([name, res.status]).toEqual([name, 403]);
    }
  });
});

describe('content types of the Lambda API', () => {
  it('refuses the ones browsers send without a preflight, even with no Origin', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await send(url, 'POST', '/2015-03-31/functions', { 'content-type': type }, CREATE);
      expect([type, res.status, res.headers['x-amzn-errortype']]).toEqual([type, 415, 'UnsupportedMediaTypeException']);
      expect(res.json().message).toContain('application/json');
    }
    expect(await functionNames()).not.toContain('pwned');
  });

  it('takes what the SDKs, the CLI and boto3 send: JSON operations as application/json, Invoke as octet-stream, JSON or nothing', async () => {
    const created = await send(url, 'POST', '/2015-03-31/functions', { 'content-type': 'application/json' }, CREATE.replace('pwned', 'typed'));
    expect(created.status).toBe(201);
    for (const headers of [{ 'content-type': 'application/octet-stream' }, { 'content-type': 'application/json' }, {}] as Record<string, string>[]) {
      const res = await send(url, 'POST', '/2015-03-31/functions/typed/invocations', headers, '{}');
      expect([headers, res.status]).toEqual([headers, 200]);
    }
    const text = await send(url, 'POST', '/2015-03-31/functions/typed/invocations', { 'content-type': 'text/plain' }, '{}');
    expect(text.status).toBe(415);
  });
});
