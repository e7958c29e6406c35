/**
 * What the recorded cases that call AWS services need besides the engine: moto_server standing in
 * for AWS, and the resources LocalStack's tests made before each execution. A recording keeps
 * those only as stubs in its input (`<STUB:sqs_create_queue()>`, `<STUB:s3_create_bucket()>` …):
 * each stub becomes a resource made for the case, and a DynamoDB table named in the input with a
 * `Key` is made with that key. What a test put into its resources (an S3 object's bytes) is not
 * recorded; such cases fail, listed in known-failures.txt.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, type ScalarAttributeType } from '@aws-sdk/client-dynamodb';
import type { Json } from '../../src/language/json.js';
import { createAwsSdkIntegration, type AwsSdkIntegration } from '../../src/integrations/aws-sdk.js';
import { MOTO_CREDENTIALS } from '../moto-server.js';
import type { ConformanceCase } from './cases.js';

/** The `requires` values served by moto_server (aws-sdk:sfn needs a Step Functions API: the server's). */
const MOTO_SERVICES = new Set(['sns', 'sqs', 'dynamodb', 's3', 'events', 'aws-sdk:s3', 'aws-sdk:dynamodb', 'aws-sdk:secretsmanager', 'aws-sdk:sns', 'aws-sdk:sqs', 'aws-sdk:eventbridge']);

export const isMotoRequirement = (name: string): boolean => MOTO_SERVICES.has(name);

/** Whether a case calls an AWS service moto stands in for. */
export const needsAwsServices = (c: ConformanceCase): boolean => c.requires.some(isMotoRequirement);

export interface AwsFixtures {
  readonly endpoint: string;
  /** The integration the case's Task states call, pointed at moto_server. */
  readonly integration: AwsSdkIntegration;
  /** Empties moto, then gives the case's input with its stubs replaced by resources made for it (and its tables made). */
  prepareInput(c: ConformanceCase): Promise<Json>;
  close(): Promise<void>;
}

const STUB = /^<STUB:([^>]*)>$/;
const KEY_TYPES = new Set(['S', 'N', 'B']);

export function createAwsFixtures(endpoint: string, region = 'us-east-1'): AwsFixtures {
  const config = { region, endpoint, credentials: MOTO_CREDENTIALS, forcePathStyle: true };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const s3 = new S3Client(config);
  const dynamodb = new DynamoDBClient(config);
  // One attempt: the SDK's back-off between retries of moto's 500s would outlast the virtual clock's wait for a call in flight.
  const integration = createAwsSdkIntegration({ region, config: { maxAttempts: 1, endpoints: new Map([['*', { url: endpoint, credentials: MOTO_CREDENTIALS }]]) } });
  let made = 0;
  const name = (kind: string): string => `sfn-conformance-${kind}-${++made}`;

  async function resourceFor(stub: string): Promise<string | undefined> {
    switch (stub) {
      case "sns_create_topic()['TopicArn']":
        return (await sns.send(new CreateTopicCommand({ Name: name('topic') }))).TopicArn;
      case 'sqs_create_queue()':
        return (await sqs.send(new CreateQueueCommand({ QueueName: name('queue') }))).QueueUrl;
      case 'events_to_sqs_queue()': {
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name('events-queue') }));
        return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      }
      case 's3_create_bucket()': {
        const bucket = name('bucket');
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        return bucket;
      }
      default:
        return undefined; // a stub of a value, not of a resource (an enum name): kept as recorded
    }
  }

  async function replaceStubs(value: Json): Promise<Json> {
    if (typeof value === 'string') {
      const m = STUB.exec(value);
      return m === null ? value : ((await resourceFor(m[1])) ?? value);
    }
    if (Array.isArray(value)) return Promise.all(value.map(replaceStubs));
    if (value !== null && typeof value === 'object') {
      const out: { [k: string]: Json } = {};
      for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: await replaceStubs(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return value;
  }

  /** `{"TableName": T, "Key": {"id": {"S": …}}}`: the table T with hash key id of type S. */
  async function makeTable(input: Json): Promise<void> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return;
    const { TableName: table, Key: key } = input;
    if (typeof table !== 'string' || key === null || typeof key !== 'object' || Array.isArray(key)) return;
    const attributes = Object.entries(key);
    if (attributes.length !== 1) return;
    const [attribute, typed] = attributes[0];
    const type = typed !== null && typeof typed === 'object' && !Array.isArray(typed) ? Object.keys(typed)[0] : undefined;
    if (type === undefined || !KEY_TYPES.has(type)) return;
    try {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          KeySchema: [{ AttributeName: attribute, KeyType: 'HASH' }],
          // Checked against KEY_TYPES above.
          AttributeDefinitions: [{ AttributeName: attribute, AttributeType: type as ScalarAttributeType }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e;
    }
  }

  return {
    endpoint,
    integration,
    async prepareInput(c) {
      // Each case starts from an empty moto, as each LocalStack test made its own resources.
      await (await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })).arrayBuffer();
      const input = await replaceStubs(c.input);
      await makeTable(input);
      return input;
    },
    async close() {
      await integration.close();
      for (const client of [sns, sqs, s3, dynamodb]) client.destroy();
    },
  };
}
