/**
 * The AWS services Task states can call through the AWS SDK v3 clients installed with Stepwright:
 * where each client lives and how Step Functions names the service in its errors. Step Functions
 * calls optimized integrations (`arn:aws:states:::sns:publish`) with the AWS SDK for Java v1 and
 * `aws-sdk:` integrations with the SDK for Java v2, and each SDK words errors its own way
 * (services/test_sns_task_service.py::test_publish_base_error_topic_arn: `SNS.NotFoundException`,
 * "… (Service: AmazonSNS; Status Code: 404; …)"; services/test_aws_sdk_task_service.py::
 * test_sfn_send_task_outcome_with_no_such_token: `Sfn.InvalidTokenException`, "… (Service: Sfn, …)").
 */

/** A loaded client module: its classes by export name. */
export type SdkModule = Readonly<Record<string, unknown>>;

export interface AwsService {
  /** The name in `arn:aws:states:::aws-sdk:NAME:ACTION`, and the key of its endpoint in the configuration. */
  readonly id: string;
  readonly load: () => Promise<SdkModule>;
  /** The client class (`SNSClient`) and the base class of the service's exceptions (`SNSServiceException`). */
  readonly clientClass: string;
  readonly baseException: string;
  /** The Java SDK v2 client's name: the prefix of `aws-sdk:` errors and the `Service:` of their causes. */
  readonly sdkV2Name: string;
  /**
   * The SDK v2 client appends "(SDK Attempt Count: N)" to this service's causes (the recordings of
   * Sfn have it; those of DynamoDb, S3 and SecretsManager do not).
   */
  readonly attemptCountInCause?: boolean;
  /**
   * Text members of each action: a JSON value other than a string given there is sent as its JSON
   * text (services/test_aws_sdk_task_service.py::test_sfn_start_execution_implicit_json_serialisation,
   * an object as StartExecution's Input; an object as an EventBridge entry's Detail in
   * test_events_task_service.py::test_put_events_base). `Entries[].Detail` names a member of each
   * element of a list.
   */
  readonly textMembers?: Readonly<Record<string, readonly string[]>>;
  /**
   * Byte members: every JSON value, strings too, is sent as its JSON text (the ETag of
   * test_s3_put_object[str] is the MD5 of `"text data"` with its quotes).
   */
  readonly blobMembers?: Readonly<Record<string, readonly string[]>>;
  /**
   * The service's model names members in camelCase (Step Functions' `stateMachineArn`): Step
   * Functions takes and gives them in PascalCase all the same (`StateMachineArn`, `ExecutionArn`).
   */
  readonly camelCaseMembers?: boolean;
  /** Its optimized integration (`arn:aws:states:::NAME:ACTION`): the name there and the Java SDK v1's words. */
  readonly optimized?: { readonly name: string; readonly errorPrefix: string; readonly sdkV1Name: string; readonly actions: readonly string[] };
}

export const AWS_SERVICES: readonly AwsService[] = [
  {
    id: 'sns',
    load: () => import('@aws-sdk/client-sns'),
    clientClass: 'SNSClient',
    baseException: 'SNSServiceException',
    sdkV2Name: 'Sns',
    textMembers: { publish: ['Message'] },
    optimized: { name: 'sns', errorPrefix: 'SNS', sdkV1Name: 'AmazonSNS', actions: ['publish'] },
  },
  {
    id: 'sqs',
    load: () => import('@aws-sdk/client-sqs'),
    clientClass: 'SQSClient',
    baseException: 'SQSServiceException',
    sdkV2Name: 'Sqs',
    textMembers: { sendMessage: ['MessageBody'] },
    optimized: { name: 'sqs', errorPrefix: 'SQS', sdkV1Name: 'AmazonSQS', actions: ['sendMessage'] },
  },
  {
    id: 'dynamodb',
    load: () => import('@aws-sdk/client-dynamodb'),
    clientClass: 'DynamoDBClient',
    baseException: 'DynamoDBServiceException',
    sdkV2Name: 'DynamoDb',
    optimized: { name: 'dynamodb', errorPrefix: 'DynamoDB', sdkV1Name: 'AmazonDynamoDBv2', actions: ['getItem', 'putItem', 'updateItem', 'deleteItem'] },
  },
  {
    id: 'eventbridge',
    load: () => import('@aws-sdk/client-eventbridge'),
    clientClass: 'EventBridgeClient',
    baseException: 'EventBridgeServiceException',
    sdkV2Name: 'EventBridge',
    textMembers: { putEvents: ['Entries[].Detail'] },
    optimized: { name: 'events', errorPrefix: 'EventBridge', sdkV1Name: 'AmazonEventBridge', actions: ['putEvents'] },
  },
  {
    id: 's3',
    load: () => import('@aws-sdk/client-s3'),
    clientClass: 'S3Client',
    baseException: 'S3ServiceException',
    sdkV2Name: 'S3',
    blobMembers: { putObject: ['Body'] },
  },
  {
    id: 'secretsmanager',
    load: () => import('@aws-sdk/client-secrets-manager'),
    clientClass: 'SecretsManagerClient',
    baseException: 'SecretsManagerServiceException',
    sdkV2Name: 'SecretsManager',
  },
  {
    id: 'sfn',
    load: () => import('@aws-sdk/client-sfn'),
    clientClass: 'SFNClient',
    baseException: 'SFNServiceException',
    sdkV2Name: 'Sfn',
    attemptCountInCause: true,
    camelCaseMembers: true,
    textMembers: { startExecution: ['Input'], startSyncExecution: ['Input'], sendTaskSuccess: ['Output'] },
  },
  {
    id: 'lambda',
    load: () => import('@aws-sdk/client-lambda'),
    clientClass: 'LambdaClient',
    baseException: 'LambdaServiceException',
    sdkV2Name: 'Lambda',
    blobMembers: { invoke: ['Payload'], invokeAsync: ['InvokeArgs'] },
  },
];

const BY_ID = new Map(AWS_SERVICES.map((s) => [s.id, s]));
const BY_OPTIMIZED_NAME = new Map(AWS_SERVICES.flatMap((s) => (s.optimized !== undefined ? [[s.optimized.name, s] as const] : [])));

/** The service of `aws-sdk:NAME:…`, when its client is installed. */
export const sdkService = (id: string): AwsService | undefined => BY_ID.get(id);

/** The service of the optimized integration `NAME:ACTION`, when we serve that action. */
export function optimizedService(name: string, action: string): AwsService | undefined {
  const service = BY_OPTIMIZED_NAME.get(name);
  return service?.optimized?.actions.includes(action) === true ? service : undefined;
}

/** The configuration key of a service: its `aws-sdk:` name; the optimized names `events` and `states` are aliases. */
export function canonicalServiceId(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'states' || lower === 'stepfunctions') return 'sfn';
  if (lower === 'events') return 'eventbridge';
  return lower;
}
