/** A function: a folder of code plus the configuration Lambda keeps for it. */

/**
 * The runtimes Stepwright runs: every Node.js and Python name of the `Runtime` enum in AWS's Lambda
 * model (botocore `lambda/2015-03-31/service-2.json`) that Lambda still accepts for new functions.
 * Each runs on a matching interpreter when one is installed, else on the nearest one there is
 * (interpreters.ts says which, and why). Java, .NET, Ruby and `provided` functions are refused.
 */
export const FUNCTION_RUNTIMES = [
  'nodejs16.x',
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.8',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
] as const;

export type FunctionRuntimeName = (typeof FUNCTION_RUNTIMES)[number];

export interface FunctionConfig {
  readonly name: string;
  readonly runtime: FunctionRuntimeName;
  /** `file.export` or `dir/file.export` (Node may name a nested export: `file.a.b`). */
  readonly handler: string;
  /** The function's code root (Lambda's LAMBDA_TASK_ROOT, /var/task). */
  readonly codeDir: string;
  readonly environment?: Readonly<Record<string, string>>;
  /** Default 3, as Lambda. */
  readonly timeoutSeconds?: number;
  /** Default 128, as Lambda. */
  readonly memoryMB?: number;
  /** As Lambda: invocations beyond it are throttled (TooManyRequestsException); 0 throttles all. */
  readonly reservedConcurrency?: number;
  readonly description?: string;
  /** A published version's number ('1', '2', …); absent for $LATEST, the code that changes. */
  readonly version?: string;
}

/** How an alias splits invocations: its version, and others with their share (0 to 1). */
export interface AliasRouting {
  readonly functionVersion: string;
  readonly additionalVersionWeights?: Readonly<Record<string, number>>;
}

export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 128;

export function isFunctionRuntimeName(value: unknown): value is FunctionRuntimeName {
  return typeof value === 'string' && (FUNCTION_RUNTIMES as readonly string[]).includes(value);
}

export function runtimeFamily(runtime: FunctionRuntimeName): 'node' | 'python' {
  return runtime.startsWith('nodejs') ? 'node' : 'python';
}

/** The interpreter version a runtime asks for: `22` for nodejs22.x, `3.12` for python3.12. */
export function runtimeVersion(runtime: FunctionRuntimeName): string {
  return runtime.startsWith('nodejs') ? runtime.slice('nodejs'.length, -'.x'.length) : runtime.slice('python'.length);
}

/** Lambda's function name rule (the name part, without ARN or qualifier). */
export const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
