import {
  CreateFunctionUrlConfigCommand,
  GetAccountSettingsCommand,
  GetLayerVersionByArnCommand,
  LambdaServiceException,
  ListLayersCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPLEMENTED_LAMBDA_OPERATIONS } from '../../../src/api/lambda/handler.js';
import model from '../../../src/api/lambda/model.json' with { type: 'json' };
import { LAMBDA_OPERATION_NAMES, matchOperation } from '../../../src/api/lambda/model-routes.js';
import { startLambdaApi, type LambdaApiUnderTest } from './lambda-server.js';

let api: LambdaApiUnderTest;
let lambda: LambdaClient;

beforeAll(async () => {
  api = await startLambdaApi();
  lambda = api.client();
});
afterAll(async () => {
  lambda.destroy();
  await api.close();
});

/** The request a client sends for an operation: its URI template with every label filled in. */
function requestOf(name: (typeof LAMBDA_OPERATION_NAMES)[number]): { method: string; path: string; query: URLSearchParams } {
  const { method, requestUri } = model.operations[name];
  const [template, query = ''] = requestUri.split('?');
  return { method, path: template.replace(/\{[^}]+\}/g, 'some-name'), query: new URLSearchParams(query) };
}

const notImplemented = LAMBDA_OPERATION_NAMES.filter((n) => !IMPLEMENTED_LAMBDA_OPERATIONS.includes(n));

describe('the Lambda model routes', () => {
  it('hold the 85 operations of the model, the implemented ones among them', () => {
    expect(LAMBDA_OPERATION_NAMES).toHaveLength(85);
    expect(IMPLEMENTED_LAMBDA_OPERATIONS.every((n) => LAMBDA_OPERATION_NAMES.includes(n))).toBe(true);
  });

  it('name every operation by its own method and URI, with or without a trailing slash', () => {
    for (const name of LAMBDA_OPERATION_NAMES) {
      const { method, path, query } = requestOf(name);
      expect(matchOperation(method, path, query)?.name, `${method} ${path}?${query}`).toBe(name);
      expect(matchOperation(method, `${path}/`, query)?.name).toBe(name);
    }
  });

  it('tell apart operations of one path by the query parameter their template fixes', () => {
    expect(matchOperation('GET', '/2018-10-31/layers', new URLSearchParams())?.name).toBe('ListLayers');
    expect(matchOperation('GET', '/2018-10-31/layers', new URLSearchParams('find=LayerVersion&Arn=x'))?.name).toBe('GetLayerVersionByArn');
    const provisioned = '/2019-09-30/functions/f/provisioned-concurrency';
    expect(matchOperation('GET', provisioned, new URLSearchParams('Qualifier=1'))?.name).toBe('GetProvisionedConcurrencyConfig');
    expect(matchOperation('GET', provisioned, new URLSearchParams('List=ALL'))?.name).toBe('ListProvisionedConcurrencyConfigs');
  });

  it('give the labels as sent and match nothing for a path with a segment too many or an empty label', () => {
    expect(matchOperation('GET', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af', new URLSearchParams())).toEqual({
      name: 'GetFunction',
      labels: { FunctionName: 'arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af' },
    });
    expect(matchOperation('GET', '/2015-03-31/functions/f/configuration/more', new URLSearchParams())).toBeUndefined();
    expect(matchOperation('GET', '/2015-03-31/functions//configuration', new URLSearchParams())).toBeUndefined();
    expect(matchOperation('PATCH', '/2015-03-31/functions', new URLSearchParams())).toBeUndefined();
  });
});

describe('operations of the model that Stepwright does not implement', () => {
  it('answer UnknownOperationException 404 naming the operation, in the restJson1 error shape', async () => {
    const answers: string[] = [];
    for (const name of notImplemented) {
      const { method, path, query } = requestOf(name);
      const hasBody = method === 'POST' || method === 'PUT';
      const res = await fetch(`${api.url}${path}${query.size > 0 ? `?${query}` : ''}`, { method, ...(hasBody ? { body: '{}' } : {}) });
      const body = (await res.json()) as Record<string, unknown>;
      answers.push(`${name}: ${res.status} ${res.headers.get('x-amzn-errortype')} ${JSON.stringify(body)}`);
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(answers).toEqual(
      notImplemented.map(
        (name) =>
          `${name}: 404 UnknownOperationException ${JSON.stringify({ Type: 'User', Message: `Unknown operation: Stepwright's Lambda API does not support ${name} yet`, __type: 'UnknownOperationException' })}`,
      ),
    );
  });

  it('reach @aws-sdk/client-lambda as a LambdaServiceException named UnknownOperationException', async () => {
    const calls = [
      ['ListLayers', () => lambda.send(new ListLayersCommand({}))],
      ['GetAccountSettings', () => lambda.send(new GetAccountSettingsCommand({}))],
      ['CreateFunctionUrlConfig', () => lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'f', AuthType: 'NONE' }))],
      ['PutFunctionEventInvokeConfig', () => lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'f', MaximumRetryAttempts: 0 }))],
      ['GetLayerVersionByArn', () => lambda.send(new GetLayerVersionByArnCommand({ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:l:1' }))],
      ['ListProvisionedConcurrencyConfigs', () => lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'f' }))],
    ] as const;
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(LambdaServiceException);
      expect(error).toMatchObject({
        name: 'UnknownOperationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: `Unknown operation: Stepwright's Lambda API does not support ${name} yet`,
      });
    }
  });
});

describe('paths no operation has', () => {
  it('answer UnknownOperationException 404 naming the method and path, under any API version', async () => {
    for (const [method, path] of [
      ['GET', '/2015-03-31/nope'],
      ['PATCH', '/2015-03-31/functions'],
      ['GET', '/2015-03-31/functions/f/configuration/more'],
      ['POST', '/2099-01-01/functions/f/invocations'],
      ['GET', '/2015-03-31'],
    ]) {
      const res = await fetch(`${api.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(await res.json()).toEqual({ Type: 'User', Message: `Unknown operation: no Lambda API operation is ${method} ${path}`, __type: 'UnknownOperationException' });
    }
  });
});
