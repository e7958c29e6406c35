import type { FunctionConfig, FunctionRuntimeName } from '../../functions/index.js';
import { functionArn, type ApiIdentity } from './function-name.js';

/** What the Lambda API keeps about a function it created: persisted as JSON under the data dir. */
export interface FunctionRecord {
  readonly name: string;
  readonly runtime: FunctionRuntimeName;
  readonly handler: string;
  readonly role: string;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** Base64 SHA-256 of the zip, as Lambda reports it. */
  readonly codeSha256: string;
  readonly codeSize: number;
  /** The extracted code, relative to the function's folder under the data dir. */
  readonly codeFolder: string;
  readonly lastModified: string;
  readonly revisionId: string;
  readonly architectures: readonly string[];
  readonly ephemeralStorageSize: number;
  readonly tracingMode: string;
  readonly logFormat: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  /** A published version's number; absent for $LATEST. Versions keep their code folder and configuration. */
  readonly version?: string;
}

/** Lambda's LastModified format: `2024-03-01T12:34:56.789+0000`. */
export function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** The runtime's view of a record whose code lives in `codeDir`. */
export function toRuntimeConfig(record: FunctionRecord, codeDir: string): FunctionConfig {
  return {
    name: record.name,
    runtime: record.runtime,
    handler: record.handler,
    codeDir,
    environment: record.environment,
    timeoutSeconds: record.timeout,
    memoryMB: record.memorySize,
    reservedConcurrency: record.reservedConcurrency,
    description: record.description,
    ...(record.version !== undefined ? { version: record.version } : {}),
  };
}

export type ConfigurationView = 'full' | 'list';

/**
 * The FunctionConfiguration shape of botocore's model, filled as AWS fills it for a Zip function's
 * $LATEST or one of its published versions (qualified FunctionArn, Version the number). ListFunctions returns a subset: AWS leaves out State*, LastUpdateStatus* there.
 */
export function functionConfiguration(record: FunctionRecord, identity: ApiIdentity, view: ConfigurationView = 'full'): Record<string, unknown> {
  const out: Record<string, unknown> = {
    FunctionName: record.name,
    FunctionArn: functionArn(identity, record.name, record.version),
    Runtime: record.runtime,
    Role: record.role,
    Handler: record.handler,
    CodeSize: record.codeSize,
    Description: record.description,
    Timeout: record.timeout,
    MemorySize: record.memorySize,
    LastModified: record.lastModified,
    CodeSha256: record.codeSha256,
    Version: record.version ?? '$LATEST',
  };
  if (record.environment !== undefined) out.Environment = { Variables: { ...record.environment } };
  out.TracingConfig = { Mode: record.tracingMode };
  out.RevisionId = record.revisionId;
  if (view === 'full') {
    // Functions here are ready the moment the API answers, so they are Active at once (AWS
    // answers Pending on create and turns Active a moment later).
    out.State = 'Active';
    out.LastUpdateStatus = 'Successful';
  }
  out.PackageType = 'Zip';
  out.Architectures = [...record.architectures];
  out.EphemeralStorage = { Size: record.ephemeralStorageSize };
  out.SnapStart = { ApplyOn: 'None', OptimizationStatus: 'Off' };
  out.LoggingConfig = { LogFormat: record.logFormat, LogGroup: `/aws/lambda/${record.name}` };
  return out;
}

/**
 * A configuration for a function the runtime knows but this API did not create (loaded from a
 * project's functions folder): no zip, so no CodeSha256 or CodeSize to report.
 */
export function recordForUnmanaged(config: FunctionConfig, accountId: string): FunctionRecord {
  return {
    name: config.name,
    runtime: config.runtime,
    handler: config.handler,
    role: `arn:aws:iam::${accountId}:role/stepwright-function`,
    description: config.description ?? '',
    timeout: config.timeoutSeconds ?? 3,
    memorySize: config.memoryMB ?? 128,
    environment: config.environment,
    codeSha256: '',
    codeSize: 0,
    codeFolder: config.codeDir,
    lastModified: lambdaTimestamp(new Date(0)),
    revisionId: '00000000-0000-0000-0000-000000000000',
    architectures: ['x86_64'],
    ephemeralStorageSize: 512,
    tracingMode: 'PassThrough',
    logFormat: 'Text',
    reservedConcurrency: config.reservedConcurrency,
  };
}
