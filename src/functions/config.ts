/** A function: a folder of code plus the configuration Lambda keeps for it. */
export type FunctionRuntimeName =
  'nodejs20.x' | 'nodejs22.x' | 'python3.9' | 'python3.10' | 'python3.11' | 'python3.12' | 'python3.13';

export const FUNCTION_RUNTIMES: readonly FunctionRuntimeName[] = [
  'nodejs20.x',
  'nodejs22.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
];

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

/** Lambda's function name rule (the name part, without ARN or qualifier). */
export const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
