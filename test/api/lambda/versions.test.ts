import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeZip, ROLE, startLambdaApi, startLambdaApiWith, type LambdaApiUnderTest } from './lambda-server.js';

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

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';
const source = (label: string): string => `export const handler = async (event, context) => ({ code: '${label}', mode: process.env.MODE ?? null, version: context.functionVersion });`;

async function invoke(client: LambdaClient, name: string, qualifier?: string): Promise<{ json: Record<string, unknown>; executed: string | undefined }> {
  const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}'), ...(qualifier !== undefined ? { Qualifier: qualifier } : {}) }));
  return { json: JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString()) as Record<string, unknown>, executed: out.ExecutedVersion };
}

async function failure(call: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  const e = (await call.then(() => undefined, (err: unknown) => err)) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e === undefined) throw new Error('the call succeeded');
  return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
}

describe('Lambda versions with @aws-sdk/client-lambda', () => {
  it('publishes $LATEST as version 1, answers the same version while nothing changed, and numbers the next one 2', async () => {
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'ver', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip(source('one')) }, Environment: { Variables: { MODE: 'a' } } }));
    const one = await lambda.send(new PublishVersionCommand({ FunctionName: 'ver', Description: 'first' }));
    expect(one.$metadata.httpStatusCode).toBe(201);
    expect(one).toMatchObject({ FunctionName: 'ver', FunctionArn: `${ARN}:ver:1`, Version: '1', Description: 'first', Environment: { Variables: { MODE: 'a' } } });
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
    expect(again).toMatchObject({ Version: '1', RevisionId: one.RevisionId });

    const two = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: nodeZip(source('two')), Publish: true }));
    expect(two).toMatchObject({ Version: '2', FunctionArn: `${ARN}:ver:2` });
    const mismatch = await failure(lambda.send(new PublishVersionCommand({ FunctionName: 'ver', CodeSha256: 'not-the-hash' })));
    expect(mismatch).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(mismatch.message).toMatch(/^CodeSHA256 \(not-the-hash\) is different from current CodeSHA256 in \$LATEST\(.+\)\. Please try again with the CodeSHA256 in \$LATEST\.$/);
  });

  it('runs each version on its own code and configuration, and reports the version that ran', async () => {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ver', Environment: { Variables: { MODE: 'b' } } }));
    expect(await invoke(lambda, 'ver', '1')).toEqual({ json: { code: 'one', mode: 'a', version: '1' }, executed: '1' });
    expect(await invoke(lambda, 'ver:2')).toEqual({ json: { code: 'two', mode: 'a', version: '2' }, executed: '2' });
    expect(await invoke(lambda, 'ver')).toEqual({ json: { code: 'two', mode: 'b', version: '$LATEST' }, executed: '$LATEST' });
    const missing = await failure(invoke(lambda, 'ver', '9'));
    expect(missing).toEqual({ name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:ver:9` });
  });

  it('lists $LATEST and the versions, and answers GetFunction for one version with its own configuration', async () => {
    const listed = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    expect(listed.Versions?.map((v) => [v.Version, v.FunctionArn, v.Environment?.Variables?.MODE])).toEqual([
      ['$LATEST', `${ARN}:ver`, 'b'],
      ['1', `${ARN}:ver:1`, 'a'],
      ['2', `${ARN}:ver:2`, 'a'],
    ]);
    const paged = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver', MaxItems: 2 }));
    const rest = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver', Marker: paged.NextMarker }));
    expect([...(paged.Versions ?? []), ...(rest.Versions ?? [])].map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    expect(rest.NextMarker).toBeUndefined();
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
    expect(got.Configuration).toMatchObject({ Version: '1', FunctionArn: `${ARN}:ver:1`, Description: 'first' });
    const zip = await fetch(got.Code?.Location ?? '');
    expect(zip.status).toBe(200);
  });
});

describe('Lambda aliases with @aws-sdk/client-lambda', () => {
  it('creates an alias, invokes through it, moves it to another version and lists it', async () => {
    const created = await lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1', Description: 'production' }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({ AliasArn: `${ARN}:ver:live`, Name: 'live', FunctionVersion: '1', Description: 'production' });
    expect(await invoke(lambda, 'ver:live')).toEqual({ json: { code: 'one', mode: 'a', version: '1' }, executed: '1' });
    const config = await lambda.send(new GetFunctionCommand({ FunctionName: `${ARN}:ver:live` }));
    expect(config.Configuration).toMatchObject({ FunctionArn: `${ARN}:ver:live`, Version: '1' });

    const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2', RevisionId: created.RevisionId }));
    expect(moved.RevisionId).not.toBe(created.RevisionId);
    expect((await invoke(lambda, 'ver', 'live')).executed).toBe('2');
    const stale = await failure(lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1', RevisionId: created.RevisionId })));
    expect(stale).toMatchObject({ name: 'PreconditionFailedException', status: 412 });

    await lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'edge', FunctionVersion: '$LATEST' }));
    const all = await lambda.send(new ListAliasesCommand({ FunctionName: 'ver' }));
    expect(all.Aliases?.map((a) => [a.Name, a.FunctionVersion])).toEqual([['edge', '$LATEST'], ['live', '2']]);
    const onTwo = await lambda.send(new ListAliasesCommand({ FunctionName: 'ver', FunctionVersion: '2' }));
    expect(onTwo.Aliases?.map((a) => a.Name)).toEqual(['live']);
    expect(await lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'edge' }))).toMatchObject({ AliasArn: `${ARN}:ver:edge`, FunctionVersion: '$LATEST' });
  });

  it('routes by AdditionalVersionWeights', async () => {
    // A weight of 1 sends every invocation to the additional version.
    await lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', RoutingConfig: { AdditionalVersionWeights: { '1': 1 } } }));
    expect((await invoke(lambda, 'ver:live')).executed).toBe('1');
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' }));
    expect(alias).toMatchObject({ FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '1': 1 } } });
    await lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', RoutingConfig: {} }));
    expect((await invoke(lambda, 'ver:live')).executed).toBe('2');
  });

  it('answers AWS errors for a taken name, a missing version or alias, and a name the model refuses', async () => {
    expect(await failure(lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' })))).toEqual({
      name: 'ResourceConflictException',
      status: 409,
      message: `Alias already exists: ${ARN}:ver:live`,
    });
    expect(await failure(lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'later', FunctionVersion: '7' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${ARN}:ver:7`,
    });
    expect(await failure(lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Alias not found: ${ARN}:ver:nope`,
    });
    expect(await failure(lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: '123', FunctionVersion: '1' })))).toEqual({
      name: 'ValidationException',
      status: 400,
      message: "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    });
  });

  it('refuses to delete a version an alias points to, deletes it once the alias is gone', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'old', FunctionVersion: '1' }));
    const refused = await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' })));
    expect(refused).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    expect(refused.message).toContain('[old]');
    await lambda.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'old' }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
    expect((await failure(invoke(lambda, 'ver', '1'))).name).toBe('ResourceNotFoundException');
    expect((await invoke(lambda, 'ver', '2')).json).toMatchObject({ code: 'two' });
    // Numbers are not reused: the next version is 3.
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: nodeZip(source('three')) }));
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }))).Version).toBe('3');
  });

  it('keeps versions and aliases across a restart', async () => {
    const restarted = await startLambdaApiWith({ dataDir: api.dataDir, catalog: api.catalog });
    const client = restarted.client();
    try {
      expect(await invoke(client, 'ver', '2')).toEqual({ json: { code: 'two', mode: 'a', version: '2' }, executed: '2' });
      expect((await invoke(client, 'ver:live')).executed).toBe('2');
      expect((await invoke(client, 'ver:3')).json).toMatchObject({ code: 'three', mode: 'b' });
    } finally {
      client.destroy();
      await restarted.close();
    }
  });
});

describe('Lambda tags with @aws-sdk/client-lambda', () => {
  it('tags at create, lists, adds, removes, and shows them in GetFunction', async () => {
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'tagged-fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip(source('t')) }, Tags: { team: 'a' } }));
    const arn = `${ARN}:tagged-fn`;
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ team: 'a' });
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { stage: 'dev', team: 'b' } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['stage'] }));
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ team: 'b' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged-fn' }))).Tags).toEqual({ team: 'b' });
    expect(await failure(lambda.send(new ListTagsCommand({ Resource: `${ARN}:nope` })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:nope` });
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'tagged-fn' }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'tagged-fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip(source('t')) } }));
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({});
  });
});

describe('Lambda resource policies with @aws-sdk/client-lambda', () => {
  it('adds statements as AWS writes them, answers the policy document, and removes them', async () => {
    const added = await lambda.send(
      new AddPermissionCommand({ FunctionName: 'ver', StatementId: 's3-invoke', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bucket', SourceAccount: '123456789012' }),
    );
    expect(added.$metadata.httpStatusCode).toBe(201);
    const statement = {
      Sid: 's3-invoke',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `${ARN}:ver`,
      Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' } },
    };
    expect(JSON.parse(added.Statement ?? '')).toEqual(statement);
    await lambda.send(new AddPermissionCommand({ FunctionName: 'ver', StatementId: 'account', Action: 'lambda:InvokeFunction', Principal: '210987654321' }));
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'ver' }));
    expect(JSON.parse(policy.Policy ?? '')).toEqual({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [statement, { Sid: 'account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'lambda:InvokeFunction', Resource: `${ARN}:ver` }],
    });
    expect(policy.RevisionId).toMatch(/^[0-9a-f-]{36}$/);

    const duplicate = await failure(lambda.send(new AddPermissionCommand({ FunctionName: 'ver', StatementId: 'account', Action: 'lambda:InvokeFunction', Principal: '*' })));
    expect(duplicate).toEqual({
      name: 'ResourceConflictException',
      status: 409,
      message: 'The statement id (account) provided already exists. Please provide a new statement id, or remove the existing statement.',
    });
    const onAlias = await lambda.send(new AddPermissionCommand({ FunctionName: 'ver', Qualifier: 'live', StatementId: 'alias', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' }));
    expect(JSON.parse(onAlias.Statement ?? '')).toMatchObject({ Resource: `${ARN}:ver:live` });
    expect(JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'ver', Qualifier: 'live' }))).Policy ?? '').Statement).toHaveLength(1);

    await lambda.send(new RemovePermissionCommand({ FunctionName: 'ver', StatementId: 's3-invoke' }));
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'ver', StatementId: 'account' }));
    expect(await failure(lambda.send(new GetPolicyCommand({ FunctionName: 'ver' })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' });
    expect(await failure(lambda.send(new RemovePermissionCommand({ FunctionName: 'ver', StatementId: 'account' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Statement account is not found in resource policy.',
    });
  });

  it('validates AddPermission against the model first, listing every problem', async () => {
    const res = await fetch(`${api.url}/2015-03-31/functions/ver/policy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ StatementId: 'bad id!', Action: 'InvokeFunction' }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await res.json()).toEqual({
      __type: 'ValidationException',
      message:
        "3 validation errors detected: Value 'InvokeFunction' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*]); Value null at 'principal' failed to satisfy constraint: Member must not be null; Value 'bad id!' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
    });
  });
});
