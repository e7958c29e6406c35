import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import type { Json } from '../../src/language/json.js';
import { parseHttpConnections } from '../../src/integrations/http-connections.js';
import { createHttpIntegration } from '../../src/integrations/http.js';
import { createTaskRouter } from '../../src/integrations/router.js';

const RESOURCE = 'arn:aws:states:::http:invoke';
const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/Orders/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the test server answers a path with; it records every request it gets. */
type Reply = (req: Seen, res: http.ServerResponse) => void;

const seen: Seen[] = [];
const routes = new Map<string, Reply>();
let server: http.Server;
let base: string;

const json = (status: number, body: unknown, extra: http.OutgoingHttpHeaders = {}): Reply => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...extra });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const path = new URL(s.url, 'http://x').pathname;
      (routes.get(path) ?? json(200, { echo: true }))(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  routes.clear();
});

/** The connections the tests use; the OAuth endpoint is the test server's, known once it listens. */
const testConnections = () =>
  parseHttpConnections({
    Orders: { AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'secret-key' } } },
    'arn:aws:events:us-east-1:123456789012:connection/Basic/1': {
      AuthorizationType: 'BASIC',
      AuthParameters: {
        BasicAuthParameters: { Username: 'ana', Password: 'pa:ss' },
        InvocationHttpParameters: {
          HeaderParameters: [{ Key: 'X-Tenant', Value: 'from-connection' }],
          QueryStringParameters: [{ Key: 'region', Value: 'eu' }],
          BodyParameters: [{ Key: 'source', Value: 'connection' }],
        },
      },
    },
    OAuth: {
      AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
      AuthParameters: {
        OAuthParameters: {
          AuthorizationEndpoint: `${base}/token`,
          HttpMethod: 'POST',
          ClientParameters: { ClientID: 'client', ClientSecret: 'shh' },
          OAuthHttpParameters: { BodyParameters: [{ Key: 'scope', Value: 'orders' }] },
        },
      },
    },
  });

const integration = (opts: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
  createTaskRouter([createHttpIntegration({ connections: testConnections(), region: 'eu-west-1', ...opts })]);

const call = (parameters: Json, opts?: { timeoutMs?: number; maxResponseBytes?: number }) =>
  integration(opts).invoke({ resource: RESOURCE, parameters, executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e', stateName: 'Call' });

const params = (extra: Record<string, Json> = {}): Json => ({ ApiEndpoint: `${base}/orders`, Method: 'GET', Authentication: { ConnectionArn: CONNECTION }, ...extra });

describe('HTTP Task (arn:aws:states:::http:invoke)', () => {
  it('returns Headers, ResponseBody (parsed JSON), StatusCode and StatusText', async () => {
    routes.set('/orders', json(200, { id: 7, items: ['a'] }, { 'x-trace': 'abc' }));
    const r = await call(params());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.keys(r.output as object)).toEqual(['Headers', 'ResponseBody', 'StatusCode', 'StatusText']);
    expect(r.output).toMatchObject({ ResponseBody: { id: 7, items: ['a'] }, StatusCode: 200, StatusText: 'OK', Headers: { 'content-type': ['application/json'], 'x-trace': ['abc'] } });
  });

  it('keeps a body that is not JSON as text, and JSON that does not parse as text', async () => {
    routes.set('/text', (_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('{"looks":"json"}'));
    routes.set('/broken', (_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"broken":'));
    const text = await call(params({ ApiEndpoint: `${base}/text` }));
    const broken = await call(params({ ApiEndpoint: `${base}/broken` }));
    expect(text).toMatchObject({ ok: true, output: { ResponseBody: '{"looks":"json"}' } });
    expect(broken).toMatchObject({ ok: true, output: { ResponseBody: '{"broken":' } });
  });

  it('sends each method, the headers, AWS\'s User-Agent and Range, and the query parameters after the URL\'s own', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
      const r = await call(params({ Method: method, ApiEndpoint: `${base}/orders?page=2`, Headers: { 'X-Request': 'r1', 'User-Agent': 'mine' }, QueryParameters: { status: 'open now', tag: ['a', 'b'] } }));
      expect(r.ok).toBe(true);
    }
    expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
    const first = seen[0];
    expect(new URL(first.url, 'http://x').searchParams.getAll('tag')).toEqual(['a', 'b']);
    expect(new URL(first.url, 'http://x').searchParams.get('status')).toBe('open now');
    expect(new URL(first.url, 'http://x').searchParams.get('page')).toBe('2');
    expect(first.headers['x-request']).toBe('r1');
    expect(first.headers['user-agent']).toBe('Amazon|StepFunctions|HttpInvoke|eu-west-1');
    expect(first.headers.range).toBe('bytes=0-262144');
  });

  it('sends a JSON RequestBody as JSON and a text RequestBody as written', async () => {
    await call(params({ Method: 'POST', RequestBody: { order: { id: 1 }, n: [1, 2] } }));
    await call(params({ Method: 'POST', RequestBody: 'plain words', Headers: { 'Content-Type': 'text/plain' } }));
    expect(JSON.parse(seen[0].body)).toEqual({ order: { id: 1 }, n: [1, 2] });
    expect(seen[0].headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(seen[1].body).toBe('plain words');
    expect(seen[1].headers['content-type']).toBe('text/plain');
  });

  it('URL-encodes the body with each ArrayFormat (INDICES by default)', async () => {
    const body = { array: ['a b', 'c'], one: 1 };
    const bodies: Record<string, string> = {};
    for (const format of [undefined, 'INDICES', 'REPEAT', 'COMMAS', 'BRACKETS']) {
      seen.length = 0;
      const Transform: Json = format === undefined ? { RequestBodyEncoding: 'URL_ENCODED' } : { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: format } };
      await call(params({ Method: 'POST', RequestBody: body, Transform }));
      bodies[format ?? 'default'] = seen[0].body;
      expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
    expect(bodies).toEqual({
      default: 'array[0]=a%20b&array[1]=c&one=1',
      INDICES: 'array[0]=a%20b&array[1]=c&one=1',
      REPEAT: 'array=a%20b&array=c&one=1',
      COMMAS: 'array=a%20b,c&one=1',
      BRACKETS: 'array[]=a%20b&array[]=c&one=1',
    });
  });

  it('authenticates with the configured connection: API key by name, basic with its invocation parameters', async () => {
    await call(params());
    await call(params({ Method: 'POST', Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/Basic/1' }, RequestBody: { order: 1 }, Headers: { 'X-Tenant': 'from-task' } }));
    expect(seen[0].headers['x-api-key']).toBe('secret-key');
    expect(seen[1].headers.authorization).toBe(`Basic ${Buffer.from('ana:pa:ss').toString('base64')}`);
    expect(seen[1].headers['x-tenant']).toBe('from-connection');
    expect(new URL(seen[1].url, 'http://x').searchParams.get('region')).toBe('eu');
    expect(JSON.parse(seen[1].body)).toEqual({ order: 1, source: 'connection' });
  });

  it('gets an OAuth client-credentials token once and sends it as a Bearer token', async () => {
    let issued = 0;
    routes.set('/token', (req, res) => {
      issued++;
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from('client:shh').toString('base64')}`);
      expect(new URLSearchParams(req.body).get('grant_type')).toBe('client_credentials');
      expect(new URLSearchParams(req.body).get('scope')).toBe('orders');
      json(200, { access_token: `tok-${issued}`, expires_in: 3600 })(req, res);
    });
    const router = integration();
    const request = { resource: RESOURCE, parameters: params({ Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/OAuth/9' } }), executionArn: 'e', stateName: 's' };
    expect((await router.invoke(request)).ok).toBe(true);
    expect((await router.invoke(request)).ok).toBe(true);
    const calls = seen.filter((s) => s.url.startsWith('/orders'));
    expect(calls.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(issued).toBe(1);
  });

  it('fails with States.Http.StatusCode.<code> and the response as the cause', async () => {
    routes.set('/missing', json(404, { message: 'no such order' }));
    routes.set('/busy', (_q, res) => res.writeHead(503, 'Busy Now').end('try later'));
    const missing = await call(params({ ApiEndpoint: `${base}/missing` }));
    const busy = await call(params({ ApiEndpoint: `${base}/busy` }));
    expect(missing).toMatchObject({ ok: false, error: 'States.Http.StatusCode.404' });
    if (missing.ok) return;
    expect(JSON.parse(missing.cause)).toMatchObject({ ResponseBody: { message: 'no such order' }, StatusCode: 404, StatusText: 'Not Found' });
    expect(busy).toMatchObject({ ok: false, error: 'States.Http.StatusCode.503' });
    if (!busy.ok) expect(JSON.parse(busy.cause)).toMatchObject({ ResponseBody: 'try later', StatusText: 'Busy Now' });
  });

  it('answers a redirect with its 3xx instead of following it', async () => {
    routes.set('/moved', (_q, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end());
    const r = await call(params({ ApiEndpoint: `${base}/moved` }));
    expect(r).toMatchObject({ ok: false, error: 'States.Http.StatusCode.302' });
    expect(seen).toHaveLength(1);
  });

  it('stops reading a response past the payload limit and fails with States.DataLimitExceeded', async () => {
    routes.set('/huge', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      // Far more than the limit: the client must hang up rather than buffer it all.
      let sent = 0;
      const more = (): void => {
        while (sent < 4096 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('close', () => undefined);
      more();
    });
    const r = await call(params({ ApiEndpoint: `${base}/huge` }));
    expect(r).toEqual({ ok: false, error: 'States.DataLimitExceeded', cause: "The state/task 'http' returned a result with a size exceeding the maximum number of bytes service limit." });
  });

  it('fails with States.Http.Socket when nothing listens and when the exchange outlives its deadline', async () => {
    routes.set('/slow', () => undefined); // never answers
    const refused = await call(params({ ApiEndpoint: 'http://127.0.0.1:1/nothing' }));
    const slow = await call(params({ ApiEndpoint: `${base}/slow` }), { timeoutMs: 100 });
    expect(refused).toMatchObject({ ok: false, error: 'States.Http.Socket' });
    expect(slow).toEqual({ ok: false, error: 'States.Http.Socket', cause: 'The HTTP Task timed out after 0.1 seconds.' });
  });

  it('refuses the headers AWS forbids with States.Runtime, naming them', async () => {
    const r = await call(params({ Headers: { Host: 'elsewhere', 'X-Amz-Date': 'x', Authorization: 'Bearer mine', 'X-Fine': 'ok' } }));
    expect(r).toEqual({ ok: false, error: 'States.Runtime', cause: "The 'Headers' field contains unsupported values: [host, x-amz-date, authorization]" });
    expect(seen).toHaveLength(0);
  });

  it('refuses malformed parameters and unknown connections with States.Runtime, saying where', async () => {
    const cases: [Json, RegExp][] = [
      [params({ ApiEndpoint: 'ftp://example.com/x' }), /ApiEndpoint 'ftp:\/\/example.com\/x' is not an HTTPS or HTTP URL/],
      [params({ ApiEndpoint: 'not a url' }), /not a valid URL/],
      [params({ Method: 'TRACE' }), /'Method' must be one of GET, POST/],
      [params({ Authentication: {} }), /Authentication.ConnectionArn/],
      [params({ Headers: { 'X-Obj': { a: 1 } } }), /'Headers.X-Obj' must be a string/],
      [params({ Headers: { 'X-Bad': 'a\r\nInjected: yes' } }), /The header 'X-Bad' cannot be sent/],
      [params({ Transform: { RequestBodyEncoding: 'GZIP' } }), /'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED/],
      [params({ Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'PIPES' } } }), /'Transform.RequestEncodingOptions.ArrayFormat' must be one of INDICES/],
      [params({ Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/Nobody/1' } }), /No HTTP connection is configured for 'arn:aws:events:us-east-1:123456789012:connection\/Nobody\/1'/],
      ['just a string', /must be an object/],
    ];
    for (const [p, cause] of cases) {
      const r = await call(p);
      expect(r).toMatchObject({ ok: false, error: 'States.Runtime' });
      if (!r.ok) expect(r.cause).toMatch(cause);
    }
    expect(seen).toHaveLength(0);
  });

  it('keeps a __proto__ response header as data', async () => {
    routes.set('/proto', (_q, res) => {
      res.setHeader('__proto__', 'polluted');
      json(200, {})(_q, res);
    });
    const r = await call(params({ ApiEndpoint: `${base}/proto` }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const headers = (r.output as { Headers: Record<string, unknown> }).Headers;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(headers, '__proto__')).toBe(true);
  });
});

describe('HTTP Task in an execution', () => {
  const machine = (task: object) => ({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: RESOURCE, ...task }, Recovered: { Type: 'Pass', End: true } } });

  it('retries a status error by its name and succeeds when the API recovers', async () => {
    let calls = 0;
    routes.set('/flaky', (req, res) => (++calls < 2 ? json(503, { busy: true }) : json(200, { done: true }))(req, res));
    // The system clock: a virtual one would jump past the task's own timeout while the request is out.
    const r = await runExecution(
      { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: RESOURCE, Parameters: params({ ApiEndpoint: `${base}/flaky` }), Retry: [{ ErrorEquals: ['States.Http.StatusCode.503'], IntervalSeconds: 1, MaxAttempts: 1 }], OutputPath: '$.ResponseBody', End: true } } },
      { resources: integration(), clock: systemClock },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toEqual({ done: true });
    expect(calls).toBe(2);
  });

  it('catches a status error with States.ALL and reports TaskFailed with the error name', async () => {
    routes.set('/gone', json(410, { gone: true }));
    const r = await runExecution(
      machine({ Parameters: params({ ApiEndpoint: `${base}/gone` }), Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recovered' }], End: true }),
      { resources: integration(), clock: systemClock },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toMatchObject({ error: { Error: 'States.Http.StatusCode.410' } });
    const failed = r.events.find((e) => e.type === 'TaskFailed') as unknown as { taskFailedEventDetails: { error: string; resourceType: string; resource: string } };
    expect(failed.taskFailedEventDetails).toMatchObject({ error: 'States.Http.StatusCode.410', resourceType: 'http', resource: 'invoke' });
  });

  it('fails the execution with States.Runtime for a forbidden header even under States.ALL', async () => {
    const r = await runExecution(
      machine({ Parameters: params({ Headers: { Connection: 'close' } }), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recovered' }], End: true }),
      { resources: integration(), clock: systemClock },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
});
