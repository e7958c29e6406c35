import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/language/json.js';
import { parseResourceArn } from '../../src/language/resource-arn.js';
import { createAwsSdkIntegration, type AwsSdkIntegration } from '../../src/integrations/aws-sdk.js';
import { createCallbackIntegration } from '../../src/integrations/callback.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import type { TaskResult } from '../../src/integrations/contract.js';
import { hasMotoServer, MOTO_CREDENTIALS, startMotoServer, type MotoServer } from '../moto-server.js';

const available = await hasMotoServer();
if (!available && process.env.CI === 'true') throw new Error('moto_server is not on PATH (CI=true)');
if (!available) console.warn('skipping the AWS SDK integration tests: moto_server is not on PATH');

let moto: MotoServer;
let aws: AwsSdkIntegration;
const region = 'us-east-1';

beforeAll(async () => {
  if (!available) return;
  moto = await startMotoServer();
  aws = createAwsSdkIntegration({ region, config: { endpoints: new Map([['*', { url: moto.endpoint, credentials: MOTO_CREDENTIALS }]]) } });
}, 60_000);

afterAll(async () => {
  await aws?.close();
  await moto?.stop();
});

const clientConfig = () => ({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, forcePathStyle: true });

function call(resource: string, parameters: Json): Promise<TaskResult> {
  return aws.invoke({ resource, arn: parseResourceArn(resource), parameters, executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e', stateName: 'Call' });
}

describe.skipIf(!available)('AWS SDK integrations against moto_server', () => {
  it('publishes to SNS and answers with the response and its HTTP metadata, members in name order', async () => {
    const { TopicArn } = await new SNSClient(clientConfig()).send(new CreateTopicCommand({ Name: 'orders' }));
    const r = await call('arn:aws:states:::sns:publish', { TopicArn: TopicArn ?? '', Message: { order: 1 } });
    expect(r.ok).toBe(true);
    const output = (r as { output: Record<string, Record<string, unknown>> }).output;
    expect(Object.keys(output)).toEqual(['MessageId', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(output.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(typeof output.SdkResponseMetadata.RequestId).toBe('string');
    expect(Object.keys(output.SdkHttpMetadata.HttpHeaders as object)).toEqual(expect.arrayContaining(['Content-Length', 'Content-Type', 'Date']));
    expect((output.SdkHttpMetadata.AllHttpHeaders as Record<string, string[]>)['Content-Type']).toEqual([expect.stringContaining('xml')]);
  });

  it("fails a publish to a missing topic as SNS.NotFoundException with the Java SDK v1's cause", async () => {
    const r = await call('arn:aws:states:::sns:publish', { TopicArn: `arn:aws:sns:${region}:123456789012:no-such-topic`, Message: 'x' });
    expect(r).toMatchObject({ ok: false, error: 'SNS.NotFoundException' });
    expect((r as { cause: string }).cause).toMatch(/ \(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: [^;]+; Proxy: null\)$/);
  });

  it('sends a JSON MessageBody to SQS as its JSON text', async () => {
    const sqs = new SQSClient(clientConfig());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
    const r = await call('arn:aws:states:::sqs:sendMessage', { QueueUrl: QueueUrl ?? '', MessageBody: { job: 'a', n: 1 } });
    expect(r).toMatchObject({ ok: true, output: { MD5OfMessageBody: expect.any(String), MessageId: expect.any(String) } });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('{"job":"a","n":1}');
  });

  it('puts, updates, gets and deletes a DynamoDB item through the optimized integrations', async () => {
    await new DynamoDBClient(clientConfig()).send(
      new CreateTableCommand({ TableName: 'items', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    const put = await call('arn:aws:states:::dynamodb:putItem', { TableName: 'items', Item: { id: { S: 'id1' }, data: { S: 'Hello' } } });
    expect(put).toMatchObject({ ok: true, output: { SdkHttpMetadata: { HttpStatusCode: 200 } } });
    const updated = await call('arn:aws:states:::dynamodb:updateItem', {
      TableName: 'items',
      Key: { id: { S: 'id1' } },
      UpdateExpression: 'set S=:r',
      ExpressionAttributeValues: { ':r': { S: 'Updated' } },
      ReturnValues: 'UPDATED_NEW',
    });
    expect(updated).toMatchObject({ ok: true, output: { Attributes: { S: { S: 'Updated' } } } });
    const got = await call('arn:aws:states:::dynamodb:getItem', { TableName: 'items', Key: { id: { S: 'id1' } } });
    expect(got).toMatchObject({ ok: true, output: { Item: { id: { S: 'id1' }, data: { S: 'Hello' }, S: { S: 'Updated' } } } });
    const deleted = await call('arn:aws:states:::dynamodb:deleteItem', { TableName: 'items', Key: { id: { S: 'id1' } } });
    expect(deleted.ok).toBe(true);
    const gone = await call('arn:aws:states:::aws-sdk:dynamodb:getItem', { TableName: 'items', Key: { id: { S: 'id1' } } });
    expect(gone).toEqual({ ok: true, output: {} });
  });

  it('names a missing table DynamoDb.ResourceNotFoundException with the Java SDK v2 cause in aws-sdk form', async () => {
    const r = await call('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'no_such_table', Item: { id: { S: 'x' } } });
    expect(r).toMatchObject({ ok: false, error: 'DynamoDb.ResourceNotFoundException' });
    expect((r as { cause: string }).cause).toMatch(/ \(Service: DynamoDb, Status Code: 400, Request ID: [^)]+\)$/);
  });

  it('puts an S3 object from any JSON Body as its JSON text and reads it back as text', async () => {
    await new S3Client(clientConfig()).send(new CreateBucketCommand({ Bucket: 'files' }));
    const put = await call('arn:aws:states:::aws-sdk:s3:putObject', { Bucket: 'files', Key: 'k', Body: ['List', 'Data'] });
    // The ETag is the MD5 of the bytes stored: those of the JSON text ["List","Data"] (services/test_aws_sdk_task_service.py::test_s3_put_object[list]).
    expect(put).toMatchObject({ ok: true, output: { ETag: '"6b23860357f6e63a0272b7f1143a663a"' } });
    const got = await call('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'files', Key: 'k' });
    expect(got).toMatchObject({ ok: true, output: { Body: '["List","Data"]', ContentLength: 15, LastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } });
  });

  it('names a missing S3 key S3.NoSuchKeyException, as error_handling/test_aws_sdk.py::test_s3_no_such_key', async () => {
    const r = await call('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'files', Key: 'no_such_key.json' });
    expect(r).toMatchObject({ ok: false, error: 'S3.NoSuchKeyException' });
    expect((r as { cause: string }).cause).toMatch(/^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: /);
  });

  it('calls any action of an installed client: Secrets Manager ListSecrets', async () => {
    expect(await call('arn:aws:states:::aws-sdk:secretsmanager:listSecrets', {})).toEqual({ ok: true, output: { SecretList: [] } });
  });

  it('fails an action the client does not have with States.Runtime', async () => {
    expect(await call('arn:aws:states:::aws-sdk:s3:noSuchAction', {})).toMatchObject({ ok: false, error: 'States.Runtime' });
  });

  it('puts EventBridge events, and fails as EventBridge.FailedEntry with the response as cause when an entry fails', async () => {
    const ok = await call('arn:aws:states:::events:putEvents', { Entries: [{ Source: 'shop', DetailType: 'order', Detail: '{"n":1}' }] });
    expect(ok).toMatchObject({ ok: true, output: { Entries: [{ EventId: expect.any(String) }], FailedEntryCount: 0 } });
    const failed = await call('arn:aws:states:::events:putEvents', { Entries: [{ DetailType: 'order', Detail: '{"n":1}' }] });
    expect(failed).toMatchObject({ ok: false, error: 'EventBridge.FailedEntry' });
    expect(JSON.parse((failed as { cause: string }).cause)).toMatchObject({ FailedEntryCount: 1 });
  });

  it('sends the message of an SQS task that waits for its token through the callback integration', async () => {
    const sqs = new SQSClient(clientConfig());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'callbacks' }));
    const callback = createCallbackIntegration([aws]);
    const resource = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
    const arn = parseResourceArn(resource);
    expect(aws.serves(arn)).toBe(false);
    expect(callback.serves(arn)).toBe(true);
    const sent = await callback.invoke({ resource, arn, parameters: { QueueUrl: QueueUrl ?? '', MessageBody: { Token: 'token-1' } }, taskToken: 'token-1', executionArn: 'e', stateName: 'Send' });
    expect(sent).toEqual({ ok: true, output: null });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('{"Token":"token-1"}');
  });

  it('runs a state machine that writes and reads a DynamoDB item', async () => {
    const router = createTaskRouter([aws]);
    const definition = {
      StartAt: 'Put',
      States: {
        Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 'items', 'Item.$': '$.item' }, ResultPath: null, Next: 'Get' },
        Get: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem', Parameters: { TableName: 'items', 'Key.$': '$.key' }, OutputPath: '$.Item', End: true },
      },
    };
    const result = await runExecution(definition, { input: { item: { id: { S: 'k2' }, n: { N: '7' } }, key: { id: { S: 'k2' } } }, resources: router });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ id: { S: 'k2' }, n: { N: '7' } });
  });

  it('reports an endpoint that does not answer as SdkClientException', async () => {
    const unreachable = createAwsSdkIntegration({ region, config: { endpoints: new Map([['sqs', { url: 'http://127.0.0.1:9', credentials: MOTO_CREDENTIALS }]]) } });
    const resource = 'arn:aws:states:::sqs:sendMessage';
    const r = await unreachable.invoke({ resource, arn: parseResourceArn(resource), parameters: { QueueUrl: 'http://127.0.0.1:9/1/q', MessageBody: 'x' }, executionArn: 'e', stateName: 's' });
    await unreachable.close();
    expect(r).toMatchObject({ ok: false, error: 'SQS.SdkClientException', cause: expect.stringMatching(/^Unable to execute HTTP request: /) });
  }, 30_000);
});

describe('AWS SDK integrations without configuration', () => {
  it('serve no service that has neither an endpoint nor AWS credentials, but always Step Functions and Lambda', async () => {
    const none = createAwsSdkIntegration({ region });
    expect(none.serves(parseResourceArn('arn:aws:states:::sqs:sendMessage'))).toBe(false);
    expect(none.serves(parseResourceArn('arn:aws:states:::aws-sdk:s3:getObject'))).toBe(false);
    expect(none.serves(parseResourceArn('arn:aws:states:::aws-sdk:sfn:startExecution'))).toBe(true);
    const resource = 'arn:aws:states:::aws-sdk:sfn:describeExecution';
    // No server listens here: the call names the setting instead of going to AWS unasked.
    expect(await none.invoke({ resource, arn: parseResourceArn(resource), parameters: {}, executionArn: 'e', stateName: 's' })).toMatchObject({
      ok: false,
      error: 'States.Runtime',
      cause: expect.stringContaining('--aws-endpoint sfn=URL'),
    });
    const standard = createAwsSdkIntegration({ region, config: { endpoints: new Map(), standardEnvironment: true } });
    expect(standard.serves(parseResourceArn('arn:aws:states:::sqs:sendMessage'))).toBe(true);
    expect(standard.serves(parseResourceArn('arn:aws:states:::sqs:sendMessage.waitForTaskToken'))).toBe(false);
    expect(standard.serves(parseResourceArn('arn:aws:states:::aws-sdk:ec2:describeInstances'))).toBe(false);
    await none.close();
    await standard.close();
  });
});
