import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_TOKEN_HEADER } from '../../../src/api/auth/index.js';
import { buildZip } from '../lambda/zip-writer.js';
import { send, startEdgeServer } from './edge-server.js';

// `--auth`: SigV4 signatures of configured access keys, checked with the SDKs' own signer.

const KEY = 'AKIDSTEPWRIGHTTEST';
const SECRET = 'the-right-secret';
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const TOKEN = 'console-token-for-tests';

let edge: Awaited<ReturnType<typeof startEdgeServer>>;
let url: string;

beforeAll(async () => {
  edge = await startEdgeServer({ auth: { keys: new Map([[KEY, SECRET]]), consoleToken: TOKEN } });
  url = edge.server.url;
});
afterAll(async () => edge.close());

const credentials = (accessKeyId: string, secretAccessKey: string) => ({ accessKeyId, secretAccessKey });
const sfn = (accessKeyId = KEY, secret = SECRET) => new SFNClient({ endpoint: url, region: 'us-east-1', credentials: credentials(accessKeyId, secret), maxAttempts: 1 });
const lambda = (accessKeyId = KEY, secret = SECRET) => new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: credentials(accessKeyId, secret), maxAttempts: 1 });

/** Signs a request as the SDK would (our own hand, to tamper with it afterwards). */
async function signed(options: { path: string; body: string; service: 'states' | 'lambda'; headers: Record<string, string>; date?: Date; region?: string; secret?: string }) {
  const host = new URL(url).host;
  const signer = new SignatureV4({
    credentials: credentials(KEY, options.secret ?? SECRET),
    region: options.region ?? 'us-east-1',
    service: options.service,
    sha256: class {
      private readonly h;
      constructor(key?: string | ArrayBuffer | ArrayBufferView) {
        this.h = key === undefined ? createHash('sha256') : createHmac('sha256', bytes(key));
      }
      update(d: string | ArrayBuffer | ArrayBufferView) {
        this.h.update(bytes(d));
      }
      digest() {
        return Promise.resolve(new Uint8Array(this.h.digest()));
      }
    },
  });
  const request = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: host.split(':')[0], path: options.path, query: {}, headers: { host, ...options.headers }, body: options.body },
    { signingDate: options.date ?? new Date() },
  );
  return request.headers as Record<string, string>;
}

function bytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);
}

const listMachines = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' };

describe('the AWS SDK with --auth', () => {
  it('passes with a configured key on both APIs: bodies, encoded paths and query strings are signed as sent', async () => {
    await expect(sfn().send(new ListStateMachinesCommand({}))).resolves.toMatchObject({ stateMachines: [] });
    const client = lambda();
    const zip = buildZip([{ name: 'index.js', content: 'exports.handler = async (e) => ({ got: e.n });' }]);
    await client.send(new CreateFunctionCommand({ FunctionName: 'signed-fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } }));
    const out = await client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:signed-fn', Payload: Buffer.from('{"n": 7}') }));
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toEqual({ got: 7 });
    const listed = await client.send(new ListFunctionsCommand({ MaxItems: 5 }));
    expect(listed.Functions?.map((f) => f.FunctionName)).toContain('signed-fn');
  });

  it('fails with a wrong secret as InvalidSignatureException, and an unknown key as UnrecognizedClientException', async () => {
    await expect(sfn(KEY, 'wrong').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('does not match the signature you provided') as unknown,
      $metadata: { httpStatusCode: 400 },
    });
    await expect(lambda(KEY, 'wrong').send(new ListFunctionsCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    await expect(sfn('AKIDNOBODYKNOWS', SECRET).send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    await expect(lambda('AKIDNOBODYKNOWS', SECRET).send(new ListFunctionsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
  });
});

describe('signature checks', () => {
  it('refuses an unsigned request with MissingAuthenticationTokenException and a broken header with IncompleteSignatureException', async () => {
    const sfnRes = await send(url, 'POST', '/', listMachines, '{}');
    expect([sfnRes.status, sfnRes.json().__type]).toEqual([403, 'MissingAuthenticationTokenException']);
    const lambdaRes = await send(url, 'GET', '/2015-03-31/functions', {});
    expect([lambdaRes.status, lambdaRes.headers['x-amzn-errortype']]).toEqual([403, 'MissingAuthenticationTokenException']);
    const broken = await send(url, 'POST', '/', { ...listMachines, authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20240101/us-east-1/states/aws4_request` }, '{}');
    expect(broken.json()).toMatchObject({ __type: 'IncompleteSignatureException', message: expect.stringContaining("requires 'Signature' parameter") as unknown });
  });

  it('refuses a body changed after signing (the payload hash is part of the signature)', async () => {
    const headers = await signed({ path: '/', body: '{}', service: 'states', headers: listMachines });
    const honest = await send(url, 'POST', '/', headers, '{}');
    expect(honest.status).toBe(200);
    const tampered = await send(url, 'POST', '/', headers, '{"maxResults":1}');
    expect(tampered.json().__type).toBe('InvalidSignatureException');
  });

  it('refuses a signed header changed after signing', async () => {
    const headers = await signed({ path: '/', body: '{}', service: 'states', headers: listMachines });
    const res = await send(url, 'POST', '/', { ...headers, 'x-amz-target': 'AWSStepFunctions.ListActivities' }, '{}');
    expect(res.json().__type).toBe('InvalidSignatureException');
  });

  it('refuses a signature older or newer than 15 minutes, as AWS words it', async () => {
    const old = await signed({ path: '/', body: '{}', service: 'states', headers: listMachines, date: new Date(Date.now() - 16 * 60_000) });
    expect((await send(url, 'POST', '/', old, '{}')).json()).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/) as unknown });
    const future = await signed({ path: '/', body: '{}', service: 'states', headers: listMachines, date: new Date(Date.now() + 16 * 60_000) });
    expect((await send(url, 'POST', '/', future, '{}')).json()).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringMatching(/^Signature not yet current/) as unknown });
    const skewed = await signed({ path: '/', body: '{}', service: 'states', headers: listMachines, date: new Date(Date.now() - 10 * 60_000) });
    expect((await send(url, 'POST', '/', skewed, '{}')).status).toBe(200);
  });

  it('refuses a signature scoped to another region or service', async () => {
    const region = await signed({ path: '/', body: '{}', service: 'states', headers: listMachines, region: 'eu-west-1' });
    expect((await send(url, 'POST', '/', region, '{}')).json()).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringContaining("not 'eu-west-1'") as unknown });
    const service = await signed({ path: '/', body: '{}', service: 'lambda', headers: listMachines });
    expect((await send(url, 'POST', '/', service, '{}')).json()).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringContaining("service: 'states'") as unknown });
  });
});

describe('the console token', () => {
  it('stands in for a signature on both APIs, and only the right one', async () => {
    expect((await send(url, 'POST', '/', { ...listMachines, [CONSOLE_TOKEN_HEADER]: TOKEN }, '{}')).status).toBe(200);
    expect((await send(url, 'GET', '/2015-03-31/functions', { [CONSOLE_TOKEN_HEADER]: TOKEN })).status).toBe(200);
    expect((await send(url, 'POST', '/', { ...listMachines, [CONSOLE_TOKEN_HEADER]: `${TOKEN}x` }, '{}')).json().__type).toBe('MissingAuthenticationTokenException');
  });

  it("is required for the console's data (401 saying how to get in), not for its page", async () => {
    const without = await send(url, 'GET', '/console/api/executions', {});
    expect(without.status).toBe(401);
    expect(without.json().message).toContain('#token=');
    expect((await send(url, 'GET', '/console/api/executions', { [CONSOLE_TOKEN_HEADER]: TOKEN })).status).toBe(200);
    expect((await send(url, 'GET', '/', {})).status).not.toBe(401);
    expect((await send(url, 'GET', '/health', {})).status).toBe(200);
  });

  it('is in the console URL the server reports, in the fragment (browsers never send it)', () => {
    expect(edge.server.consoleUrl).toBe(`${url}/#token=${TOKEN}`);
  });
});

describe('the AWS CLI with --auth', () => {
  const cli = (secret: string, ...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'aws',
        [...args, '--endpoint-url', url, '--output', 'json'],
        { timeout: 30_000, env: { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '' } },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      );
    });

  it('passes with the right secret and fails with a wrong one', async () => {
    const ok = await cli(SECRET, 'stepfunctions', 'list-state-machines');
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toEqual({ stateMachines: [] });
    const invoked = await cli(SECRET, 'lambda', 'list-functions');
    expect(invoked.code).toBe(0);
    const bad = await cli('wrong', 'lambda', 'list-functions');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('InvalidSignatureException');
  });
});
