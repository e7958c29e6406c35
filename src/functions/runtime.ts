/**
 * The function registry and its worker pools: register functions, invoke them as Lambda does
 * (RequestResponse), answer every failure with Lambda's error body.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CodeStaging } from './code-staging.js';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, runtimeFamily, type AliasRouting, type FunctionConfig, type FunctionRuntimeName } from './config.js';
import {
  exitBody,
  InvalidRequestContentException,
  MAX_REQUEST_PAYLOAD_BYTES,
  MAX_RESPONSE_PAYLOAD_BYTES,
  outOfMemoryBody,
  RequestTooLargeException,
  ResourceNotFoundException,
  responseTooLargeBody,
  timeoutBody,
  TooManyRequestsException,
  type LambdaErrorBody,
} from './errors.js';
import { formatInvocationLog } from './logs.js';
import { resolveInterpreter, type Interpreter } from './interpreters.js';
import { FunctionPool } from './pool.js';
import { RUNTIME_BOOTSTRAPS, type Worker, type WorkerSpec } from './worker.js';
import { resolveWorkerUser, searchablePath, userCan, type WorkerUser } from './worker-user.js';
import { linkedSdkModules, mirroredSdkModules, sdkInstallDir } from './sdk-modules.js';

/** Where Lambda puts a function's code (its LAMBDA_TASK_ROOT), as its stack traces show it. */
const LAMBDA_TASK_ROOT = '/var/task';

export type InvokeResult =
  | {
      readonly ok: true;
      /** The JSON text the handler returned. */
      readonly payload: string;
      readonly requestId: string;
      /** The version that ran (`$LATEST`, `1` …): an alias names one of its versions. */
      readonly executedVersion: string;
      /** The invocation's log with Lambda's START / END / REPORT lines. */
      readonly logs: string;
      readonly durationMs: number;
      readonly maxMemoryUsedMB?: number;
    }
  | {
      readonly ok: false;
      /** Lambda's error body as JSON text, e.g. {"errorMessage","errorType","stackTrace"}. */
      readonly payload: string;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly requestId: string;
      readonly executedVersion: string;
      readonly logs: string;
      readonly durationMs: number;
      readonly maxMemoryUsedMB?: number;
    };

export interface FunctionRuntimeOptions {
  /** How many invocation logs are kept per function, newest first out last (default 100). */
  readonly logsPerFunction?: number;
  /** Idle workers are killed after this long (default 5 minutes). */
  readonly idleMs?: number;
  /** At most this many worker processes per function (default 8); more invocations wait. */
  readonly maxWorkersPerFunction?: number;
  /** AWS_REGION of the functions and the region of their ARNs (default us-east-1). */
  readonly region?: string;
  /** The account id in function ARNs (default 000000000000). */
  readonly accountId?: string;
  /**
   * Shows each function's code folder under this path in stack traces (Node and Python), as Lambda
   * shows /var/task: the default, so that errors read word for word as on Lambda. `false` shows the
   * host path.
   */
  readonly taskRootAlias?: string | false;
  /**
   * The user workers run as: a name, a uid or `uid:gid`; `false` for the server's own. Default:
   * `nobody` when the server runs as root, so that function code can read neither the server's
   * environment (/proc/<pid>/environ) nor its data dir; else the server's user (only root can
   * change it). Throws FunctionUserError for an unknown user, or another user without root.
   */
  readonly workerUser?: string | false;
  /** Where the runtime bootstraps are (default: beside this module); tests place them elsewhere. */
  readonly bootstrapsDir?: string;
  /**
   * Told what a person running the functions should know: a function that runs on another
   * interpreter than its runtime asks for (say, python3.12 on Python 3.11).
   */
  readonly onNotice?: (message: string) => void;
  /** The PATH interpreters are looked up on and workers get (default: the server's). */
  readonly path?: string;
}

/** Where a function's AWS SDK calls go: the Stepwright serving it, and the credentials it takes. */
export interface AwsEndpoint {
  readonly url: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Any credentials do when the server does not check signatures; Lambda's own are a session's. */
const DUMMY_CREDENTIALS = { accessKeyId: 'AKIASTEPWRIGHTLOCAL0', secretAccessKey: 'stepwright-local-secret' } as const;

export interface InvokeOptions {
  readonly requestId?: string;
  /** `$LATEST` (the default), a published version's number or an alias name. */
  readonly qualifier?: string;
}

interface Entry {
  readonly config: FunctionConfig;
  readonly pool: FunctionPool;
  inFlight: number;
}

/** Where one registration's workers load code from: the code folder, or a copy the worker user can read. */
interface CodeSource {
  dir: string | undefined;
  copy: string | undefined;
}

/** One invocation's log, kept for the console and the API (`FunctionRuntime.logsOf`). */
export interface InvocationLog {
  readonly functionName: string;
  readonly requestId: string;
  /** Epoch milliseconds when the invocation ended. */
  readonly endedAt: number;
  readonly ok: boolean;
  readonly logs: string;
  readonly durationMs?: number;
  readonly maxMemoryUsedMB?: number;
  /** The function's configured memory. */
  readonly memoryMB?: number;
  /** Who made the invocation, when it ran inside `asCaller` (e.g. a Task state of an execution). */
  readonly caller?: InvocationCaller;
}

/** The Task state an invocation ran for: lets the console show a state's function logs. */
export interface InvocationCaller {
  readonly executionArn: string;
  readonly stateName: string;
}

export class FunctionRuntime {
  /** By name for $LATEST, by `name:version` for published versions. */
  private readonly entries = new Map<string, Entry>();
  private readonly aliases = new Map<string, Map<string, AliasRouting>>();
  private readonly retiring = new Set<FunctionPool>();
  private readonly idleMs: number;
  private readonly maxWorkers: number;
  readonly region: string;
  readonly accountId: string;
  private readonly taskRootAlias: string | undefined;
  private closed = false;
  private readonly logs = new Map<string, InvocationLog[]>();
  private readonly logsPerFunction: number;
  private readonly callers = new AsyncLocalStorage<InvocationCaller>();
  /** The user workers run as; undefined: the server's own. */
  readonly workerUser: WorkerUser | undefined;
  private readonly staging: CodeStaging | undefined;
  private readonly sources = new Map<FunctionPool, CodeSource>();
  private runtimesDir: string | undefined;
  /** The AWS SDK's node_modules for Node functions; null: none can be given. */
  private sdkDir: string | null | undefined;
  private readonly bootstrapsSource: string;
  private readonly interpreters = new Map<FunctionRuntimeName, Interpreter>();
  private readonly onNotice: ((message: string) => void) | undefined;
  private readonly noticed = new Set<string>();
  private readonly pathVar: string;
  private endpoint: AwsEndpoint | undefined;
  private readonly listeners = new Set<(log: InvocationLog) => void>();

  constructor(options: FunctionRuntimeOptions = {}) {
    this.idleMs = options.idleMs ?? 300_000;
    this.maxWorkers = Math.max(1, options.maxWorkersPerFunction ?? 8);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.taskRootAlias = options.taskRootAlias === false ? undefined : (options.taskRootAlias ?? LAMBDA_TASK_ROOT);
    this.logsPerFunction = Math.max(0, options.logsPerFunction ?? 100);
    this.workerUser = resolveWorkerUser(options.workerUser);
    this.staging = this.workerUser === undefined ? undefined : new CodeStaging(this.workerUser);
    this.bootstrapsSource = options.bootstrapsDir ?? RUNTIME_BOOTSTRAPS.dir;
    this.onNotice = options.onNotice;
    this.pathVar = options.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  }

  /**
   * Points the functions' AWS SDKs at a Stepwright (AWS_ENDPOINT_URL) with credentials it takes,
   * so that a handler starting an execution or invoking a function reaches it. Workers started
   * from now on get it; the server calls this once it listens (its port may be chosen then).
   */
  setAwsEndpoint(url: string, credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } = DUMMY_CREDENTIALS): void {
    this.endpoint = { url, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
  }

  /** The interpreter that runs functions of `runtime` (looked up once per runtime). */
  interpreterOf(runtime: FunctionRuntimeName): Interpreter {
    let found = this.interpreters.get(runtime);
    if (found === undefined) {
      found = resolveInterpreter(runtime, this.workerUser === undefined ? this.pathVar : searchablePath(this.pathVar, this.workerUser), this.workerUser);
      this.interpreters.set(runtime, found);
    }
    return found;
  }

  /** Calls `listener` with every invocation's log as it ends (the terminal, the store); returns its removal. */
  onInvocation(listener: (log: InvocationLog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The kept invocation logs of a function, oldest first; or the one of `requestId`. */
  logsOf(name: string, requestId?: string): InvocationLog[] {
    const all = this.logs.get(name) ?? [];
    return requestId === undefined ? [...all] : all.filter((l) => l.requestId === requestId);
  }

  /**
   * Runs `fn` so that the invocations it starts are logged with `caller`. An async-context value,
   * so the integrations between a Task state and `invoke` need not pass it along.
   */
  asCaller<T>(caller: InvocationCaller, fn: () => T): T {
    return this.callers.run(caller, fn);
  }

  private keepLog(result: InvokeResult, name: string, memoryMB: number): InvokeResult {
    if (this.logsPerFunction === 0 && this.listeners.size === 0) return result;
    const caller = this.callers.getStore();
    const log: InvocationLog = {
      functionName: name,
      requestId: result.requestId,
      endedAt: Date.now(),
      ok: result.ok,
      logs: result.logs,
      durationMs: result.durationMs,
      ...(result.maxMemoryUsedMB !== undefined ? { maxMemoryUsedMB: result.maxMemoryUsedMB } : {}),
      memoryMB,
      ...(caller !== undefined ? { caller } : {}),
    };
    for (const listener of this.listeners) {
      try {
        listener(log);
      } catch (e) {
        // A listener's failure (a closed terminal) is its own; the invocation's answer stands.
        this.onNotice?.(`a function log listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (this.logsPerFunction === 0) return result;
    let list = this.logs.get(name);
    if (list === undefined) this.logs.set(name, (list = []));
    list.push(log);
    if (list.length > this.logsPerFunction) list.splice(0, list.length - this.logsPerFunction);
    return result;
  }

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  /**
   * Adds a function, or replaces the one of the same name (its workers finish and are replaced).
   * A config with a `version` adds that published version beside $LATEST.
   */
  register(config: FunctionConfig): void {
    const key = entryKey(config.name, config.version);
    const previous = this.entries.get(key);
    if (previous !== undefined) this.retire(previous.pool);
    const frozen: FunctionConfig = Object.freeze({
      ...config,
      environment: config.environment ? Object.freeze({ ...config.environment }) : undefined,
    });
    const interpreter = this.interpreterOf(frozen.runtime);
    // Once per function and runtime: `dev` registers a function again on every save.
    const noticeKey = `${frozen.name}\0${frozen.runtime}`;
    if (interpreter.note !== undefined && !this.noticed.has(noticeKey)) {
      this.noticed.add(noticeKey);
      this.onNotice?.(`function ${frozen.name}: ${interpreter.note}`);
    }
    const source: CodeSource = { dir: undefined, copy: undefined };
    const pool = new FunctionPool(() => this.workerSpec(frozen, source), { maxWorkers: this.maxWorkers, idleMs: this.idleMs });
    this.sources.set(pool, source);
    this.entries.set(key, { config: frozen, pool, inFlight: 0 });
  }

  /** Removes a function with its published versions and aliases. */
  async unregister(name: string): Promise<void> {
    this.aliases.delete(name);
    const keys = [...this.entries.keys()].filter((k) => k === name || k.startsWith(`${name}:`));
    if (keys.length === 0) return;
    this.logs.delete(name);
    await Promise.all(keys.map((k) => this.closeEntry(k)));
  }

  /** Removes one published version (DeleteFunction with a version qualifier). */
  async unregisterVersion(name: string, version: string): Promise<void> {
    await this.closeEntry(entryKey(name, version));
  }

  private async closeEntry(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    await entry.pool.close();
    this.dropSource(entry.pool);
  }

  /** Points an alias of `name` at its versions; `undefined` removes it. */
  setAlias(name: string, alias: string, routing: AliasRouting | undefined): void {
    let byName = this.aliases.get(name);
    if (routing === undefined) {
      byName?.delete(alias);
      return;
    }
    if (byName === undefined) this.aliases.set(name, (byName = new Map()));
    byName.set(alias, { ...routing });
  }

  /**
   * The version a qualifier runs: itself for `$LATEST` or a number, an alias's version (or one of
   * its additional versions, drawn by weight as Lambda routes); undefined when it names nothing.
   */
  resolveVersion(name: string, qualifier: string | undefined, random: () => number = Math.random): string | undefined {
    if (qualifier === undefined || qualifier === '$LATEST') return this.entries.has(name) ? '$LATEST' : undefined;
    if (/^\d+$/.test(qualifier)) return this.entries.has(entryKey(name, qualifier)) ? qualifier : undefined;
    const routing = this.aliases.get(name)?.get(qualifier);
    if (routing === undefined) return undefined;
    let draw = random();
    for (const [version, weight] of Object.entries(routing.additionalVersionWeights ?? {})) {
      if (draw < weight) return version;
      draw -= weight;
    }
    return routing.functionVersion;
  }

  /** Removes the code copy of a pool whose workers are all gone. */
  private dropSource(pool: FunctionPool): void {
    const copy = this.sources.get(pool)?.copy;
    this.sources.delete(pool);
    if (copy !== undefined) this.staging?.remove(copy);
  }

  /** The $LATEST configuration of a function, or that of one of its published versions. */
  get(name: string, version?: string): FunctionConfig | undefined {
    return this.entries.get(entryKey(name, version))?.config;
  }

  /** Every function's $LATEST. */
  list(): FunctionConfig[] {
    return [...this.entries.values()].filter((e) => e.config.version === undefined).map((e) => e.config);
  }

  /** Worker processes alive for a function (for tests and the console). */
  workerCount(name: string, version?: string): number {
    return this.entries.get(entryKey(name, version))?.pool.size ?? 0;
  }

  private retire(pool: FunctionPool): void {
    pool.retire();
    for (const p of this.retiring)
      if (p.size === 0) {
        this.retiring.delete(p);
        this.dropSource(p);
      }
    this.retiring.add(pool);
  }

  /** The code folder the workers use: the function's own, or a copy when the worker user cannot read it. */
  private codeDirOf(config: FunctionConfig, source: CodeSource): string {
    if (source.dir !== undefined) return source.dir;
    if (this.staging === undefined || this.staging.canUseInPlace(config.codeDir)) return (source.dir = config.codeDir);
    try {
      return (source.dir = source.copy = this.staging.stage(config.codeDir, config.name));
    } catch {
      // No copy (the folder is gone, the disk is full): the worker fails to start in the folder
      // itself and the invocation reports that, as for any code folder it cannot use.
      return config.codeDir;
    }
  }

  /** The bootstraps' folder, copied when the worker user cannot read it where it is. */
  private bootstrapsDir(): string {
    if (this.runtimesDir !== undefined) return this.runtimesDir;
    const dir = this.bootstrapsSource;
    const user = this.workerUser;
    const readable =
      user === undefined ||
      (userCan(user, path.join(dir, RUNTIME_BOOTSTRAPS.node), 4) && userCan(user, path.join(dir, RUNTIME_BOOTSTRAPS.python), 4));
    this.runtimesDir = readable || this.staging === undefined ? dir : this.staging.stage(dir, 'runtimes', esbuildPackages());
    return this.runtimesDir;
  }

  /**
   * The node_modules folder with the AWS SDK for Node functions (sdk-modules.ts): linked to
   * Stepwright's installation when the worker user can read it, else a mirror made once for it.
   */
  private sdkModules(): string | undefined {
    if (this.sdkDir !== undefined) return this.sdkDir ?? undefined;
    this.sdkDir = null;
    const installDir = sdkInstallDir();
    if (installDir === undefined) return undefined;
    const user = this.workerUser;
    this.sdkDir =
      user === undefined || userCan(user, path.join(installDir, '@aws-sdk', 'client-sqs', 'package.json'), 4) ? linkedSdkModules(installDir) : mirroredSdkModules(installDir);
    return this.sdkDir;
  }

  private workerSpec(config: FunctionConfig, source: CodeSource): WorkerSpec {
    const memoryMB = config.memoryMB ?? DEFAULT_MEMORY_MB;
    const user = this.workerUser;
    const serverPath = this.pathVar;
    const endpoint = this.endpoint;
    const codeDir = this.codeDirOf(config, source);
    const runtimesDir = this.bootstrapsDir();
    const family = runtimeFamily(config.runtime);
    const now = new Date();
    const version = config.version ?? '$LATEST';
    const day = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCDate()).padStart(2, '0')}`;
    const env: Record<string, string> = {
      // The function's own endpoint wins: it may mean to reach real AWS or another emulator.
      ...(endpoint !== undefined ? { AWS_ENDPOINT_URL: endpoint.url } : {}),
      ...(config.environment ?? {}),
      // Lambda's reserved variables win over the function's own.
      AWS_LAMBDA_FUNCTION_NAME: config.name,
      AWS_LAMBDA_FUNCTION_VERSION: version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${version}]${crypto.randomBytes(16).toString('hex')}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      ...(endpoint !== undefined
        ? { AWS_ACCESS_KEY_ID: endpoint.accessKeyId, AWS_SECRET_ACCESS_KEY: endpoint.secretAccessKey }
        : {}),
      _HANDLER: config.handler,
      LAMBDA_TASK_ROOT: codeDir,
      LAMBDA_RUNTIME_DIR: runtimesDir,
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      // Nothing else of the server's environment: only its PATH, to find python3 and the tools.
      PATH: user === undefined ? serverPath : searchablePath(serverPath, user),
      STEPWRIGHT_INVOKED_FUNCTION_ARN: config.version === undefined ? this.functionArn(config.name) : `${this.functionArn(config.name)}:${config.version}`,
    };
    if (this.taskRootAlias !== undefined) env.STEPWRIGHT_TASK_ROOT_ALIAS = this.taskRootAlias;
    // The SDK Lambda's Node runtimes provide, last on NODE_PATH (after the layers) as on Lambda.
    const sdk = family === 'node' ? this.sdkModules() : undefined;
    if (sdk !== undefined) {
      env.NODE_PATH = [env.NODE_PATH, sdk].filter((p) => p !== undefined && p !== '').join(path.delimiter);
      env.STEPWRIGHT_LAMBDA_SDK = sdk;
    }
    // Looked up on the worker user's PATH: the server's python3 may be one it cannot run (a pyenv shim under /root).
    const interpreter = this.interpreterOf(config.runtime).command;
    const spec: WorkerSpec = {
      family,
      codeDir,
      env,
      memoryMB,
      bootstrap: path.join(runtimesDir, family === 'node' ? RUNTIME_BOOTSTRAPS.node : RUNTIME_BOOTSTRAPS.python),
      ...(family === 'python' ? { python: interpreter } : { node: interpreter }),
    };
    if (user === undefined) return spec;
    return { ...spec, user: { uid: user.uid, gid: user.gid } };
  }

  /**
   * Invokes a function synchronously (RequestResponse). Resolves with the handler's payload or
   * Lambda's error body; rejects only with a Lambda service error: ResourceNotFoundException (no
   * such function), RequestTooLargeException (payload over 6 MB), InvalidRequestContentException
   * (payload not JSON), TooManyRequestsException (reserved concurrency reached).
   */
  async invoke(name: string, payloadText: string, options: InvokeOptions = {}): Promise<InvokeResult> {
    const version = this.closed ? undefined : this.resolveVersion(name, options.qualifier);
    const entry = version === undefined ? undefined : this.entries.get(entryKey(name, version));
    if (entry === undefined || version === undefined) {
      const arn = options.qualifier === undefined ? this.functionArn(name) : `${this.functionArn(name)}:${options.qualifier}`;
      throw new ResourceNotFoundException(`Function not found: ${arn}`);
    }
    const text = payloadText === '' ? '{}' : payloadText;
    if (text.length > MAX_REQUEST_PAYLOAD_BYTES / 3 && Buffer.byteLength(text, 'utf8') > MAX_REQUEST_PAYLOAD_BYTES)
      throw new RequestTooLargeException();
    try {
      JSON.parse(text);
    } catch (e) {
      throw new InvalidRequestContentException(
        `Could not parse request body into json: Could not parse payload into json: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const { config, pool } = entry;
    if (config.reservedConcurrency !== undefined && entry.inFlight >= config.reservedConcurrency) {
      throw new TooManyRequestsException('ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    const requestId = options.requestId ?? crypto.randomUUID();
    const memoryMB = config.memoryMB ?? DEFAULT_MEMORY_MB;
    const timeoutSeconds = config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    entry.inFlight++;
    const worker = await pool.acquire();
    try {
      return this.keepLog(await this.run(worker, requestId, text, memoryMB, timeoutSeconds, version), name, memoryMB);
    } finally {
      entry.inFlight--;
      pool.release(worker);
    }
  }

  private async run(
    worker: Worker,
    requestId: string,
    text: string,
    memoryMB: number,
    timeoutSeconds: number,
    executedVersion: string,
  ): Promise<InvokeResult> {
    const init = await worker.ready;
    const started = performance.now();
    const initDurationMs = worker.fresh ? init.initMs : undefined;
    worker.fresh = false;
    const finish = (
      ok: boolean,
      payload: string,
      body: string,
      maxRssKB: number | undefined,
      status?: string,
    ): InvokeResult => {
      const durationMs = performance.now() - started;
      const maxMemoryUsedMB = maxRssKB !== undefined && maxRssKB > 0 ? Math.ceil(maxRssKB / 1024) : undefined;
      const logs = formatInvocationLog({
        requestId,
        version: executedVersion,
        body,
        durationMs,
        memoryMB,
        maxMemoryUsedMB,
        initDurationMs,
        status,
      });
      if (ok) return { ok: true, payload, requestId, executedVersion, logs, durationMs, maxMemoryUsedMB };
      const parsed = JSON.parse(payload) as LambdaErrorBody;
      return {
        ok: false,
        payload,
        errorType: parsed.errorType,
        errorMessage: parsed.errorMessage,
        requestId,
        executedVersion,
        logs,
        durationMs,
        maxMemoryUsedMB,
      };
    };
    const failure = (body: LambdaErrorBody, logs: string, maxRssKB?: number, status?: string): InvokeResult =>
      finish(false, JSON.stringify(body), logs, maxRssKB, status);
    if (!init.ok) {
      // Lambda reports an init failure on the invocation that needed the environment.
      const body =
        'body' in init
          ? withRequestId(init.body, requestId)
          : init.exit.outOfMemory
            ? outOfMemoryBody(requestId)
            : exitBody(requestId, init.exit.code, init.exit.signal);
      return failure(body, init.logs, undefined, 'error');
    }
    const outcome = await worker.invoke(requestId, text, timeoutSeconds * 1000);
    switch (outcome.kind) {
      case 'result':
        if (outcome.ok) {
          if (
            outcome.payload.length > MAX_RESPONSE_PAYLOAD_BYTES / 3 &&
            Buffer.byteLength(outcome.payload, 'utf8') > MAX_RESPONSE_PAYLOAD_BYTES
          ) {
            return failure(responseTooLargeBody(), outcome.logs, outcome.maxRssKB);
          }
          return finish(true, outcome.payload, outcome.logs, outcome.maxRssKB);
        }
        return failure(outcome.body, outcome.logs, outcome.maxRssKB);
      case 'timeout': {
        const line = `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds\n`;
        return failure(timeoutBody(requestId, timeoutSeconds), outcome.logs + line, undefined, 'timeout');
      }
      case 'exit': {
        const body = outcome.exit.outOfMemory
          ? outOfMemoryBody(requestId)
          : exitBody(requestId, outcome.exit.code, outcome.exit.signal);
        return failure(
          body,
          outcome.logs +
            `RequestId: ${requestId} Error: ${body.errorMessage.replace(/^RequestId: \S+ Error: /, '')}\n${body.errorType}\n`,
          undefined,
          'error',
        );
      }
    }
  }

  /** Kills every worker of every function. The runtime refuses invocations afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...[...this.entries.values()].map((e) => e.pool), ...this.retiring];
    this.retiring.clear();
    await Promise.all(pools.map((p) => p.close()));
    this.sources.clear();
    this.staging?.close();
  }
}

function entryKey(name: string, version: string | undefined): string {
  return version === undefined || version === '$LATEST' ? name : `${name}:${version}`;
}

/** Init errors are written before a request exists; Lambda's Python body then names the invocation. */
function withRequestId(body: LambdaErrorBody, requestId: string): LambdaErrorBody {
  return 'requestId' in body ? { ...body, requestId } : body;
}

/**
 * esbuild (the Node bootstrap's TypeScript loader) and its binary for this platform, to copy beside
 * bootstraps that had to be copied: the worker user cannot reach the server's node_modules either.
 */
function esbuildPackages(): { from: string; to: string }[] {
  const require = createRequire(import.meta.url);
  const esbuild = path.dirname(require.resolve('esbuild/package.json'));
  const platform = `@esbuild/${process.platform}-${process.arch}`;
  const binary = path.dirname(createRequire(path.join(esbuild, 'package.json')).resolve(`${platform}/package.json`));
  return [
    { from: esbuild, to: 'node/node_modules/esbuild' },
    { from: binary, to: `node/node_modules/${platform}` },
  ];
}
