/**
 * Makes a template's topics, queues, buckets, tables, event buses and secrets on moto_server, with
 * the physical names the template loader gives them (so a `${OrdersTable}` substitution names a
 * table that exists), as a deployment would before the first execution. Only what the template
 * says literally is used (a table's KeySchema and AttributeDefinitions); what cannot be made is
 * returned as a note, and the execution then meets the missing resource as it would on AWS.
 */
import fs from 'node:fs';
import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type CreateTableCommandInput, type GlobalSecondaryIndex, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseTemplateText } from '../../src/app/sam/template-text.js';
import type { SamProject } from '../../src/app/sam/index.js';
import { MOTO_CREDENTIALS } from '../moto-server.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A table's key and index shapes as the template writes them; the attributes they need and no others (DynamoDB refuses unused ones). */
function tableInput(name: string, props: Record<string, unknown>): CreateTableCommandInput | undefined {
  const keys = props.KeySchema as KeySchemaElement[] | undefined;
  if (!Array.isArray(keys)) return undefined;
  const indexes = Array.isArray(props.GlobalSecondaryIndexes)
    ? (props.GlobalSecondaryIndexes as Record<string, unknown>[]).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection ?? { ProjectionType: 'ALL' } }) as GlobalSecondaryIndex)
    : [];
  const used = new Set([...keys, ...indexes.flatMap((g) => g.KeySchema ?? [])].map((k) => k.AttributeName));
  const definitions = (Array.isArray(props.AttributeDefinitions) ? (props.AttributeDefinitions as AttributeDefinition[]) : []).filter((a) => used.has(a.AttributeName));
  return {
    TableName: name,
    KeySchema: keys,
    AttributeDefinitions: definitions,
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(isRecord(props.StreamSpecification) ? { StreamSpecification: { StreamEnabled: true, StreamViewType: props.StreamSpecification.StreamViewType as 'NEW_IMAGE' } } : {}),
  };
}

/** A SimpleTable's one key (`PrimaryKey`, default `id` String). */
function simpleTableInput(name: string, props: Record<string, unknown>): CreateTableCommandInput {
  const key = isRecord(props.PrimaryKey) ? props.PrimaryKey : {};
  const attribute = typeof key.Name === 'string' ? key.Name : 'id';
  const type = key.Type === 'Number' ? 'N' : key.Type === 'Binary' ? 'B' : 'S';
  return { TableName: name, KeySchema: [{ AttributeName: attribute, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: attribute, AttributeType: type }], BillingMode: 'PAY_PER_REQUEST' };
}

/** Makes the project's resources on moto; returns a note per resource that could not be made. */
export async function provisionTemplate(sam: SamProject, endpoint: string, region = 'us-east-1'): Promise<string[]> {
  const config = { endpoint, region, credentials: MOTO_CREDENTIALS, forcePathStyle: true };
  let raw: Record<string, unknown>;
  try {
    const root = parseTemplateText(fs.readFileSync(sam.templateFile, 'utf8'), sam.templateFile).value;
    raw = isRecord(root) && isRecord(root.Resources) ? root.Resources : {};
  } catch {
    return [`${sam.templateFile}: not read again for its resources`];
  }
  const notes: string[] = [];
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const s3 = new S3Client(config);
  const dynamodb = new DynamoDBClient(config);
  const events = new EventBridgeClient(config);
  const secrets = new SecretsManagerClient(config);
  try {
    for (const r of sam.resources) {
      const resource = raw[r.logicalId];
      const props = isRecord(resource) && isRecord(resource.Properties) ? resource.Properties : {};
      try {
        switch (r.type) {
          case 'AWS::SNS::Topic':
            await sns.send(new CreateTopicCommand({ Name: r.name, ...(r.name.endsWith('.fifo') ? { Attributes: { FifoTopic: 'true' } } : {}) }));
            break;
          case 'AWS::SQS::Queue':
            await sqs.send(new CreateQueueCommand({ QueueName: r.name, ...(r.name.endsWith('.fifo') ? { Attributes: { FifoQueue: 'true' } } : {}) }));
            break;
          case 'AWS::S3::Bucket':
            await s3.send(new CreateBucketCommand({ Bucket: r.name }));
            break;
          case 'AWS::DynamoDB::Table': {
            const input = tableInput(r.name, props);
            if (input === undefined) notes.push(`${r.logicalId}: no literal KeySchema, table not made`);
            else await dynamodb.send(new CreateTableCommand(input));
            break;
          }
          case 'AWS::Serverless::SimpleTable':
            await dynamodb.send(new CreateTableCommand(simpleTableInput(r.name, props)));
            break;
          case 'AWS::Events::EventBus':
            await events.send(new CreateEventBusCommand({ Name: r.name }));
            break;
          case 'AWS::SecretsManager::Secret':
            await secrets.send(new CreateSecretCommand({ Name: r.name, SecretString: typeof props.SecretString === 'string' ? props.SecretString : '{}' }));
            break;
          default:
        }
      } catch (e) {
        notes.push(`${r.logicalId} (${r.type}): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    for (const c of [sns, sqs, s3, dynamodb, events, secrets]) c.destroy();
  }
  return notes;
}
