/**
 * The Lambda functions conformance cases call, written from each case's `functions` description
 * (one folder per behaviour), served by one shared warm FunctionRuntime for the whole run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock, TaskRequest, TaskResources, TaskResult } from '../../../src/engine/types.js';
import { FunctionRuntime, isFunctionRuntimeName, type FunctionConfig } from '../../../src/functions/index.js';
import { createLambdaIntegration } from '../../../src/integrations/lambda.js';
import type { Integration } from '../../../src/integrations/contract.js';
import { createTaskRouter } from '../../../src/integrations/router.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Behaviour {
  /** The folder under test/conformance/functions that behaves so. */
  readonly folder: string;
  readonly timeoutSeconds?: number;
  /** On the server the clock is real: a Lambda timeout that outlives the states' (5 s) timeouts. */
  readonly serverTimeoutSeconds?: number;
}

/** The behaviour texts of the recorded cases, word for word, and the folder that behaves so. */
const BEHAVIOURS: Readonly<Record<string, Behaviour>> = {
  'returns its event unchanged': { folder: 'returns-event' },
  "raises Exception('Some exception was raised.')": { folder: 'raises-exception' },
  "raises an instance of a class CustomException(Exception) constructed with no arguments; the instance has an attribute message = 'CustomException message'":
    { folder: 'raises-custom-exception' },
  'returns the bytes b\'"HelloWorld!"\' (a JSON string literal, as bytes)': { folder: 'returns-bytes-hello-world' },
  // The cases time the state out long before; a Lambda timeout of 2 s frees the worker soon after.
  'sleeps 60 seconds, then returns its event': { folder: 'sleeps-60-seconds', timeoutSeconds: 2, serverTimeoutSeconds: 8 },
  "returns 257 * 1024 letters 'a' as UTF-8 bytes (over the 256 KB state limit)": { folder: 'returns-257kb-bytes' },
};

export interface CaseFunction {
  readonly runtime?: string;
  readonly handler?: string;
  readonly behaviour?: string;
}

/** The code folder of a behaviour. */
export function behaviourDir(b: Behaviour): string {
  return path.join(here, b.folder);
}

/** The folder that behaves as a case's function says, or undefined when none does. */
export function behaviourOf(fn: CaseFunction): Behaviour | undefined {
  const text = fn.behaviour ?? '';
  return Object.prototype.hasOwnProperty.call(BEHAVIOURS, text) ? BEHAVIOURS[text] : undefined;
}

/** The Lambda runtime a case's function asks for (the recordings are python3.12 when unsaid). */
export function caseRuntime(fn: CaseFunction): FunctionConfig['runtime'] {
  return isFunctionRuntimeName(fn.runtime) ? fn.runtime : 'python3.12';
}

let shared: FunctionRuntime | undefined;

/** The one runtime of a conformance run; Python stack traces show /var/task as on Lambda. */
export function conformanceRuntime(): FunctionRuntime {
  shared ??= new FunctionRuntime({
    region: 'us-east-1',
    accountId: '111111111111',
    taskRootAlias: '/var/task',
    idleMs: 60_000,
  });
  return shared;
}

export async function closeConformanceRuntime(): Promise<void> {
  const r = shared;
  shared = undefined;
  await r?.close();
}

/** The `functions` member of a case file (ConformanceCase does not carry it). */
export function caseFunctions(file: string): Readonly<Record<string, CaseFunction>> | undefined {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { functions?: Record<string, CaseFunction> };
  return parsed.functions;
}

/** A case names a function whose behaviour no folder here has: that case fails, not the run. */
export class UnknownBehaviourError extends Error {
  constructor(name: string, behaviour: string | undefined) {
    super(`no conformance function behaves as the case's function ${name} does: ${behaviour ?? '(no behaviour given)'}`);
    this.name = 'UnknownBehaviourError';
  }
}

/**
 * Registers a case's functions under the names its definition and input use. A name already
 * registered with the same code keeps its warm workers.
 */
export function registerCaseFunctions(functions: Readonly<Record<string, CaseFunction>> | undefined): void {
  const runtime = conformanceRuntime();
  for (const [name, fn] of Object.entries(functions ?? {})) {
    const behaviour = behaviourOf(fn);
    if (behaviour === undefined) throw new UnknownBehaviourError(name, fn.behaviour);
    const config: FunctionConfig = {
      name,
      runtime: caseRuntime(fn),
      handler: `${fn.handler ?? 'handler'}.handler`,
      codeDir: behaviourDir(behaviour),
      ...(behaviour.timeoutSeconds !== undefined ? { timeoutSeconds: behaviour.timeoutSeconds } : {}),
    };
    const current = runtime.get(name);
    if (current?.codeDir === config.codeDir && current.timeoutSeconds === config.timeoutSeconds) continue;
    runtime.register(config);
  }
}

/** Task resources that count the invocations in flight (for `clockAwaitingInvocations`). */
export class TrackedResources implements TaskResources {
  inFlight = 0;
  private waiters: (() => void)[] = [];
  constructor(private readonly inner: TaskResources) {}

  async invoke(request: TaskRequest): Promise<TaskResult> {
    this.inFlight++;
    try {
      return await this.inner.invoke(request);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves when no invocation is in flight. */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** Lambda functions, after the integrations given (the AWS services of aws-fixtures.ts). */
export function conformanceResources(integrations: readonly Integration[] = []): TrackedResources {
  return new TrackedResources(
    createTaskRouter([...integrations, createLambdaIntegration(conformanceRuntime(), { region: 'us-east-1', accountId: '111111111111' })]),
  );
}

/**
 * A virtual clock jumps at the next event-loop turn, but a real function takes milliseconds: hold
 * each jump while invocations are in flight, up to `realCapMs` of real time, so a function answers
 * before a timeout it would beat on AWS, and a state timeout still beats a function that sleeps.
 */
export function clockAwaitingInvocations(inner: Clock, resources: TrackedResources, realCapMs = 1000): Clock {
  return {
    now: () => inner.now(),
    async sleepUntil(epochMs, signal) {
      if (resources.inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          resources.idle(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, realCapMs);
            signal?.addEventListener('abort', () => resolve(), { once: true });
          }),
        ]);
        clearTimeout(timer);
        if (signal?.aborted) return;
      }
      return inner.sleepUntil(epochMs, signal);
    },
  };
}
