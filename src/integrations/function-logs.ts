import type { FunctionRuntime, InvocationLog } from '../functions/index.js';
import type { Integration, TaskInvocation, TaskProgress, TaskResult } from './contract.js';

/**
 * An integration whose function invocations are logged with the execution and state that made
 * them. The legacy `arn:aws:lambda:…:function:NAME` form returns only the function's payload (no
 * request id), so this is the one link that serves both Lambda forms; retries and Map iterations of
 * a state are all kept, in order.
 */
export function linkFunctionLogs(integration: Integration, runtime: FunctionRuntime): Integration {
  return {
    serves: (arn) => integration.serves(arn),
    invoke(request: TaskInvocation, progress?: TaskProgress): Promise<TaskResult> {
      return runtime.asCaller({ executionArn: request.executionArn, stateName: request.stateName }, () => integration.invoke(request, progress));
    },
  };
}

/** One invocation's log as it is kept (the store's FunctionLogRecord). */
export interface KeptFunctionLog {
  readonly functionName: string;
  readonly requestId: string;
  readonly endedAt: number;
  readonly ok: boolean;
  readonly logs: string;
  readonly durationMs?: number;
  readonly maxMemoryUsedMB?: number;
  readonly memoryMB?: number;
  readonly executionArn?: string;
  readonly stateName?: string;
}

export interface FunctionLogFilter {
  readonly functionName?: string;
  readonly requestId?: string;
  readonly executionArn?: string;
  readonly stateName?: string;
  /** Newest first, at most this many (the store's default and bound apply). */
  readonly limit?: number;
}

export interface FunctionLogRetention {
  readonly perFunction: number;
  readonly maxAgeMs: number;
}

/** Where function logs are kept: the store's function logs role (a port, so this room needs no store). */
export interface FunctionLogPort {
  appendFunctionLogs(logs: readonly KeptFunctionLog[], retention: FunctionLogRetention, now: number): Promise<void>;
  listFunctionLogs(query: FunctionLogFilter): Promise<KeptFunctionLog[]>;
}

/** What the console reads function logs through. */
export interface FunctionLogReader {
  list(query: FunctionLogFilter): Promise<KeptFunctionLog[]>;
}

/**
 * The newest 200 invocations of each function, none older than a week. With Lambda's 1 MB of log
 * per invocation cut to STORED_LOG_CHARS, a function's logs stay under 50 MB whatever it prints.
 */
export const DEFAULT_FUNCTION_LOG_RETENTION: FunctionLogRetention = { perFunction: 200, maxAgeMs: 7 * 24 * 3_600_000 };
/** CloudWatch Logs' limit of one log event (256 KB): a longer invocation log keeps its first part. */
export const STORED_LOG_CHARS = 262_144;
/** Invocation logs are written together, at most this long after they end. */
const FLUSH_MS = 50;

export interface FunctionLogRecorderOptions {
  readonly retention?: FunctionLogRetention;
  readonly onError?: (error: unknown, context: string) => void;
  readonly now?: () => number;
}

/**
 * Keeps every invocation of a runtime in the store, so that the console shows them after a
 * restart and across the servers sharing a database. Invocations that end together are written
 * in one transaction; a read writes what is pending first, so it sees every invocation that ended.
 * A store that fails is reported (onError) and the logs of that write are lost, never the invocation.
 */
export class FunctionLogRecorder implements FunctionLogReader {
  private pending: KeptFunctionLog[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly stop: () => void;
  private readonly retention: FunctionLogRetention;
  private readonly now: () => number;

  constructor(
    runtime: FunctionRuntime,
    private readonly port: FunctionLogPort,
    private readonly options: FunctionLogRecorderOptions = {},
  ) {
    this.retention = options.retention ?? DEFAULT_FUNCTION_LOG_RETENTION;
    this.now = options.now ?? Date.now;
    this.stop = runtime.onInvocation((log) => this.record(log));
  }

  private record(log: InvocationLog): void {
    const logs = log.logs.length > STORED_LOG_CHARS ? `${log.logs.slice(0, STORED_LOG_CHARS)}\n[log truncated: ${log.logs.length - STORED_LOG_CHARS} more characters]\n` : log.logs;
    this.pending.push({
      functionName: log.functionName,
      requestId: log.requestId,
      endedAt: log.endedAt,
      ok: log.ok,
      logs,
      ...(log.durationMs !== undefined ? { durationMs: log.durationMs } : {}),
      ...(log.maxMemoryUsedMB !== undefined ? { maxMemoryUsedMB: log.maxMemoryUsedMB } : {}),
      ...(log.memoryMB !== undefined ? { memoryMB: log.memoryMB } : {}),
      ...(log.caller !== undefined ? { executionArn: log.caller.executionArn, stateName: log.caller.stateName } : {}),
    });
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is pending; resolves when it and every earlier write are done. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.port.appendFunctionLogs(batch, this.retention, this.now()).catch((e: unknown) => this.options.onError?.(e, `keeping ${batch.length} function log(s)`)),
      );
    }
    return this.writing;
  }

  async list(query: FunctionLogFilter): Promise<KeptFunctionLog[]> {
    await this.flush();
    return this.port.listFunctionLogs(query);
  }

  /** Stops listening and writes what is pending (before the store closes). */
  async close(): Promise<void> {
    this.stop();
    await this.flush();
  }
}
