/**
 * What `Ref` and `Fn::GetAtt` give for a resource, as CloudFormation documents them per type,
 * with local physical names: the name property when the template sets one, else the logical id
 * (as `sam local` names things), so a definition that says `${OrdersTable}` gets a table name.
 */

export interface Identity {
  readonly region: string;
  readonly accountId: string;
}

/** The name property of each type that lets a template choose the physical name. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': 'FunctionName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Serverless::StateMachine': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::StepFunctions::Activity': 'Name',
  'AWS::Serverless::LayerVersion': 'LayerName',
  'AWS::Lambda::LayerVersion': 'LayerName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Serverless::SimpleTable': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Connection': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
};

export function namePropertyOf(type: string): string | undefined {
  return NAME_PROPERTY[type];
}

/** The default physical name: the logical id, lower-cased where the service wants that (S3). */
export function defaultNameOf(type: string, logicalId: string): string {
  return type === 'AWS::S3::Bucket' ? logicalId.toLowerCase() : logicalId;
}

/** `Ref` of a resource of this type with this physical name. */
export function refValue(type: string, name: string, id: Identity): string {
  switch (type) {
    case 'AWS::Serverless::StateMachine':
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::StepFunctions::Activity':
    case 'AWS::SNS::Topic':
    case 'AWS::SecretsManager::Secret':
    case 'AWS::Serverless::LayerVersion':
    case 'AWS::Lambda::LayerVersion':
      return arnOf(type, name, id);
    case 'AWS::SQS::Queue':
      return `https://sqs.${id.region}.amazonaws.com/${id.accountId}/${name}`;
    default:
      return name;
  }
}

/** `Fn::GetAtt` of a resource; `Arn` for every type, a few named attributes, else `name.Attribute`. */
export function attributeValue(type: string, name: string, attribute: string, id: Identity): string {
  if (attribute === 'Arn') return arnOf(type, name, id);
  switch (attribute) {
    case 'Name':
    case 'TopicName':
    case 'QueueName':
    case 'StateMachineName':
      return name;
    case 'TopicArn':
    case 'LayerVersionArn':
      return arnOf(type, name, id);
    case 'QueueUrl':
      return refValue('AWS::SQS::Queue', name, id);
    case 'StreamArn':
      return `${arnOf(type, name, id)}/stream/1970-01-01T00:00:00.000`;
    case 'DomainName':
      return `${name}.s3.amazonaws.com`;
    default:
      return `${name}.${attribute}`;
  }
}

function arnOf(type: string, name: string, { region, accountId }: Identity): string {
  switch (type) {
    case 'AWS::Serverless::Function':
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    case 'AWS::Serverless::StateMachine':
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
    case 'AWS::StepFunctions::Activity':
      return `arn:aws:states:${region}:${accountId}:activity:${name}`;
    case 'AWS::Serverless::LayerVersion':
    case 'AWS::Lambda::LayerVersion':
      return `arn:aws:lambda:${region}:${accountId}:layer:${name}:1`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${accountId}:${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${accountId}:${name}`;
    case 'AWS::DynamoDB::Table':
    case 'AWS::Serverless::SimpleTable':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
    case 'AWS::Events::Connection':
      return `arn:aws:events:${region}:${accountId}:connection/${name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${accountId}:rule/${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${accountId}:role/${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}`;
    default: {
      const service = /^AWS::([A-Za-z0-9]+)::/.exec(type)?.[1]?.toLowerCase() ?? 'unknown';
      return `arn:aws:${service}:${region}:${accountId}:${name}`;
    }
  }
}
