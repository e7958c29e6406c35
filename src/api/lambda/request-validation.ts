import { FUNCTION_RUNTIMES, isFunctionRuntimeName, type FunctionRuntimeName } from '../../functions/index.js';
import { invalidParameter, invalidRequestContent, LambdaApiError, validationError } from './errors.js';

/**
 * Request validation in AWS's two layers: the model layer (types, lengths, patterns, ranges)
 * answers ValidationException listing every problem; Lambda's own checks answer
 * InvalidParameterValueException, one at a time.
 */

/** Runtimes AWS accepts for new functions (the list its error message quotes). */
const AWS_VALID_RUNTIMES = [
  'nodejs24.x', 'nodejs22.x', 'nodejs20.x', 'nodejs18.x', 'nodejs16.x',
  'python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3.9', 'python3.8',
  'java25', 'java21', 'java17', 'java11', 'java8.al2',
  'dotnet8', 'dotnet6', 'ruby3.4', 'ruby3.3', 'ruby3.2', 'provided.al2023', 'provided.al2',
];

/** Retired runtimes: AWS names the runtime to move to. */
const DEPRECATED_RUNTIMES: Readonly<Record<string, string>> = {
  'nodejs12.x': 'nodejs18.x',
  'nodejs14.x': 'nodejs20.x',
  'python3.7': 'python3.12',
  'java8': 'java21',
  'go1.x': 'provided.al2023',
  'provided': 'provided.al2023',
  'ruby2.7': 'ruby3.2',
  'dotnetcore3.1': 'dotnet6',
};

/** Variables Lambda sets itself and refuses to let a function override. */
const RESERVED_ENVIRONMENT_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** botocore's FunctionName pattern for CreateFunction (no dots, unlike the read operations). */
const CREATE_NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const CREATE_NAME_PATTERN_TEXT =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ROLE_PATTERN_TEXT = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const ENV_KEY_PATTERN = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const MAX_ENVIRONMENT_BYTES = 4096;
/** Lambda's timeout and memory ranges for Zip functions. */
const MAX_TIMEOUT_SECONDS = 900;
const MIN_MEMORY_MB = 128;
const MAX_MEMORY_MB = 10240;

/** The configuration members shared by CreateFunction and UpdateFunctionConfiguration. */
export interface ConfigurationInput {
  readonly runtime?: FunctionRuntimeName;
  readonly handler?: string;
  readonly role?: string;
  readonly description?: string;
  readonly timeout?: number;
  readonly memorySize?: number;
  /** `null` when the request clears the variables (`Environment: {}` or `Variables: {}`). */
  readonly environment?: Readonly<Record<string, string>> | null;
  readonly ephemeralStorageSize?: number;
  readonly tracingMode?: string;
  readonly logFormat?: string;
  readonly revisionId?: string;
}

export interface CreateInput extends ConfigurationInput {
  readonly functionName: string;
  readonly runtime: FunctionRuntimeName;
  readonly handler: string;
  readonly role: string;
  readonly zipFile: Buffer;
  readonly architectures: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly publish: boolean;
}

export interface CodeUpdateInput {
  readonly zipFile: Buffer;
  readonly dryRun: boolean;
  readonly publish: boolean;
  readonly revisionId?: string;
  readonly architectures?: readonly string[];
}

type Body = Readonly<Record<string, unknown>>;

/** A request body that must be a JSON object (restJson1 operations with a payload). */
export function asBody(value: unknown): Body | LambdaApiError {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalidRequestContent('Could not parse request body into json: the request body is not a JSON object');
  }
  return value as Body;
}

export function validateCreate(body: Body): CreateInput | LambdaApiError {
  const problems: string[] = [];
  const functionName = body.FunctionName;
  if (functionName === undefined || functionName === null) problems.push(notNull('functionName'));
  else if (typeof functionName !== 'string') return typeError('FunctionName');
  else if (functionName.length > 140) problems.push(`Value '${functionName}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140`);
  else if (!CREATE_NAME_PATTERN.test(functionName)) {
    problems.push(`Value '${functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${CREATE_NAME_PATTERN_TEXT}`);
  }
  if (body.Role === undefined || body.Role === null) problems.push(notNull('role'));
  const shared = checkConfiguration(body, problems);
  if (shared instanceof LambdaApiError) return shared;
  const code = body.Code;
  if (code === undefined || code === null) problems.push(notNull('code'));
  const architectures = checkArchitectures(body.Architectures, problems);
  if (problems.length > 0) return validationError(problems);

  if (typeof code !== 'object' || code === null || Array.isArray(code)) return typeError('Code');
  const zip = decodeZipFile((code as Body).ZipFile, code as Body);
  if (zip instanceof Error) return zip;
  if (body.PackageType !== undefined && body.PackageType !== 'Zip') {
    return invalidParameter('Stepwright runs Zip functions only; PackageType Image is not available.');
  }
  const environmentProblem = checkEnvironment(shared.environment);
  if (environmentProblem !== undefined) return environmentProblem;
  const runtime = checkRuntime(body.Runtime);
  if (runtime instanceof Error) return runtime;
  if (shared.handler === undefined) {
    // AWS requires a handler for Zip functions; it refuses the create without one.
    return invalidParameter('The Handler parameter is required for functions with package type Zip.');
  }
  const tags = checkStringMap(body.Tags, 'Tags');
  if (tags instanceof Error) return tags;
  const name = String(functionName);
  return {
    ...shared,
    functionName: name,
    runtime,
    handler: shared.handler,
    role: String(body.Role),
    zipFile: zip,
    architectures: architectures ?? ['x86_64'],
    tags,
    publish: body.Publish === true,
  };
}

export function validateConfigurationUpdate(body: Body): ConfigurationInput | LambdaApiError {
  const problems: string[] = [];
  const shared = checkConfiguration(body, problems);
  if (shared instanceof Error) return shared;
  if (problems.length > 0) return validationError(problems);
  const environmentProblem = checkEnvironment(shared.environment);
  if (environmentProblem !== undefined) return environmentProblem;
  if (body.Runtime !== undefined) {
    const runtime = checkRuntime(body.Runtime);
    if (runtime instanceof Error) return runtime;
    return { ...shared, runtime };
  }
  return shared;
}

export function validateCodeUpdate(body: Body): CodeUpdateInput | LambdaApiError {
  const problems: string[] = [];
  const architectures = checkArchitectures(body.Architectures, problems);
  if (problems.length > 0) return validationError(problems);
  if (body.ImageUri !== undefined) {
    return invalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.");
  }
  const zip = decodeZipFile(body.ZipFile, body);
  if (zip instanceof Error) return zip;
  const revisionId = body.RevisionId;
  return {
    zipFile: zip,
    dryRun: body.DryRun === true,
    publish: body.Publish === true,
    revisionId: typeof revisionId === 'string' ? revisionId : undefined,
    architectures,
  };
}

function checkConfiguration(body: Body, problems: string[]): Omit<ConfigurationInput, 'runtime'> | LambdaApiError {
  const out: { -readonly [K in keyof ConfigurationInput]?: ConfigurationInput[K] } = {};
  const role = body.Role;
  if (role !== undefined && role !== null) {
    if (typeof role !== 'string') return typeError('Role');
    if (!ROLE_PATTERN.test(role)) problems.push(`Value '${role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ROLE_PATTERN_TEXT}`);
    out.role = role;
  }
  const handler = body.Handler;
  if (handler !== undefined && handler !== null) {
    if (typeof handler !== 'string') return typeError('Handler');
    if (handler.length > 128) problems.push(`Value '${handler}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128`);
    if (!/^[^\s]+$/.test(handler)) problems.push(`Value '${handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`);
    out.handler = handler;
  }
  const description = body.Description;
  if (description !== undefined && description !== null) {
    if (typeof description !== 'string') return typeError('Description');
    if (description.length > 256) problems.push(`Value '${description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256`);
    out.description = description;
  }
  const timeout = body.Timeout;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout)) return typeError('Timeout');
    if (timeout < 1) problems.push(`Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    if (timeout > MAX_TIMEOUT_SECONDS) problems.push(`Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to ${MAX_TIMEOUT_SECONDS}`);
    out.timeout = timeout;
  }
  const memory = body.MemorySize;
  if (memory !== undefined && memory !== null) {
    if (typeof memory !== 'number' || !Number.isInteger(memory)) return typeError('MemorySize');
    if (memory < MIN_MEMORY_MB) problems.push(`Value '${memory}' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_MEMORY_MB}`);
    if (memory > MAX_MEMORY_MB) problems.push(`Value '${memory}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to ${MAX_MEMORY_MB}`);
    out.memorySize = memory;
  }
  const environment = body.Environment;
  if (environment !== undefined && environment !== null) {
    if (typeof environment !== 'object' || Array.isArray(environment)) return typeError('Environment');
    const variables = checkStringMap((environment as Body).Variables, 'Environment.Variables');
    if (variables instanceof Error) return variables;
    for (const key of Object.keys(variables ?? {})) {
      if (!ENV_KEY_PATTERN.test(key)) {
        problems.push(`Value '${key}' at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`);
      }
    }
    out.environment = variables === undefined || Object.keys(variables).length === 0 ? null : variables;
  }
  const storage = body.EphemeralStorage;
  if (storage !== undefined && storage !== null) {
    const size = typeof storage === 'object' ? (storage as Body).Size : undefined;
    if (typeof size !== 'number' || !Number.isInteger(size)) return typeError('EphemeralStorage.Size');
    if (size < 512 || size > 10240) problems.push(`Value '${size}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value ${size < 512 ? 'greater than or equal to 512' : 'less than or equal to 10240'}`);
    out.ephemeralStorageSize = size;
  }
  const tracing = body.TracingConfig;
  if (tracing !== undefined && tracing !== null) {
    const mode = typeof tracing === 'object' ? (tracing as Body).Mode : undefined;
    if (mode !== undefined) {
      if (mode !== 'Active' && mode !== 'PassThrough') problems.push(`Value '${String(mode)}' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]`);
      else out.tracingMode = mode;
    }
  }
  const logging = body.LoggingConfig;
  if (logging !== undefined && logging !== null) {
    const format = typeof logging === 'object' ? (logging as Body).LogFormat : undefined;
    if (format !== undefined) {
      if (format !== 'JSON' && format !== 'Text') problems.push(`Value '${String(format)}' at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]`);
      else out.logFormat = format;
    }
  }
  if (typeof body.RevisionId === 'string') out.revisionId = body.RevisionId;
  return out;
}

function checkRuntime(value: unknown): FunctionRuntimeName | LambdaApiError {
  if (typeof value === 'string' && isFunctionRuntimeName(value)) return value;
  const text = value === undefined || value === null ? 'null' : String(value);
  const upgrade = DEPRECATED_RUNTIMES[text];
  if (upgrade !== undefined) {
    return invalidParameter(
      `The runtime parameter of ${text} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${upgrade}) while creating or updating functions.`,
    );
  }
  if (AWS_VALID_RUNTIMES.includes(text)) {
    return invalidParameter(`The runtime parameter of ${text} is not supported by Stepwright. Supported runtimes: ${FUNCTION_RUNTIMES.join(', ')}.`);
  }
  // Since runtimes may also be ARNs, AWS reports an unknown one as InvalidParameterValueException.
  return invalidParameter(
    `Value ${text} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${AWS_VALID_RUNTIMES.join(', ')}] or be a valid ARN`,
  );
}

function checkEnvironment(environment: Readonly<Record<string, string>> | null | undefined): LambdaApiError | undefined {
  if (environment === undefined || environment === null) return undefined;
  const reserved = Object.keys(environment).filter((k) => RESERVED_ENVIRONMENT_KEYS.has(k));
  if (reserved.length > 0) {
    return invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(environment);
  if (Buffer.byteLength(measured, 'utf8') > MAX_ENVIRONMENT_BYTES) {
    return invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return undefined;
}

function checkArchitectures(value: unknown, problems: string[]): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    problems.push(`Value '${String(value)}' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1`);
    return undefined;
  }
  const list = value.map(String);
  if (list.length !== 1) {
    problems.push(`Value '[${list.join(', ')}]' at 'architectures' failed to satisfy constraint: Member must have length ${list.length === 0 ? 'greater than or equal to 1' : 'less than or equal to 1'}`);
  } else if (list[0] !== 'x86_64' && list[0] !== 'arm64') {
    problems.push(`Value '[${list.join(', ')}]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]`);
  }
  return list;
}

function checkStringMap(value: unknown, member: string): Readonly<Record<string, string>> | undefined | LambdaApiError {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return typeError(member);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return typeError(`${member}.${k}`);
    out[k] = v;
  }
  return { ...out };
}

function decodeZipFile(value: unknown, container: Body): Buffer | LambdaApiError {
  if (value === undefined || value === null) {
    if (container.S3Bucket !== undefined || container.S3Key !== undefined || container.ImageUri !== undefined) {
      return invalidParameter('Stepwright takes function code as ZipFile only; S3Bucket/S3Key and ImageUri are not available.');
    }
    return invalidParameter('Please provide a source for function code.');
  }
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return typeError('ZipFile');
  return Buffer.from(value, 'base64');
}

function notNull(member: string): string {
  return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
}

/** A member of the wrong JSON type is a serialization problem in AWS's front end. */
function typeError(member: string): LambdaApiError {
  return invalidRequestContent(`Could not parse request body into json: Could not parse payload into json: the value of ${member} has the wrong type`);
}
