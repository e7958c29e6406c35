/**
 * Runs conformance cases through a real `stepwright server` process with the AWS SDK, the second
 * driver beside run-case.ts: the same cases, the same comparison (compare.ts), the same outcomes
 * (report.ts). One server serves the whole run; cases run concurrently in a bounded pool, each on
 * its own state machine, functions, activity and child machines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { compareResult, type ActualResult, type RecordedEvent } from './compare.js';
import type { ConformanceCase } from './cases.js';
import { behaviourDir, behaviourOf, caseFunctions, caseRuntime, type CaseFunction } from './functions/index.js';
import { caseTestCase, mockedExpectation, requirementsBeyondMock, withoutSubmittedOutput, type CaseMock } from './mock-case.js';
import { missingOnServer } from './requirements.js';
import { resolveStubs } from './stubs.js';
import { needsAwsServices, type AwsFixtures } from './aws-fixtures.js';
import { failedToRun, type CaseOutcome } from './run-case.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The account and region of the recordings' ARNs, so the definitions' ARNs name our resources. */
export const SERVER_ACCOUNT = '111111111111';
export const SERVER_REGION = 'us-east-1';
const ROLE_ARN = `arn:aws:iam::${SERVER_ACCOUNT}:role/StepwrightConformance`;

/** Real time runs on the server: Wait states and timeouts take as long as they say. */
export const DEFAULT_SERVER_CASE_TIME_LIMIT_MS = 30_000;
export const DEFAULT_SERVER_CONCURRENCY = 8;

export interface ConformanceServer {
  readonly url: string;
  readonly sfn: SFNClient;
  /** moto_server's resources for the cases that call AWS services (absent: those cases are skipped). */
  readonly aws?: AwsFixtures;
  /** The server function that stands for a case's function `name`, or undefined when none behaves so. */
  readonly functionName: (name: string, fn: CaseFunction) => string | undefined;
  /** The machine name and test case the server's mock configuration holds for a mock case (by id). */
  readonly mockOf: (caseId: string) => { readonly machineName: string; readonly testCase: string } | undefined;
  readonly close: () => Promise<void>;
}

/**
 * One mock configuration for every mock case of the run (the server reads one file): each case's
 * machine is renamed `mock-N` and its responses `N:NAME`, so that the cases' names cannot collide.
 */
function writeMockConfig(file: string, cases: readonly ConformanceCase[]): Map<string, { machineName: string; testCase: string }> {
  const byCase = new Map<string, { machineName: string; testCase: string }>();
  const config: { StateMachines: Record<string, unknown>; MockedResponses: Record<string, unknown> } = { StateMachines: {}, MockedResponses: {} };
  for (const c of cases) {
    if (c.mock === undefined) continue;
    let testCase;
    try {
      testCase = caseTestCase(c.mock);
    } catch {
      continue; // the case fails when it runs, saying why
    }
    const n = byCase.size + 1;
    const machineName = `mock-${n}`;
    const raw = (c.mock as CaseMock & { config: { MockedResponses: Record<string, unknown> } }).config.MockedResponses;
    const states: Record<string, string> = {};
    for (const [state, { responseName }] of testCase.states) {
      states[state] = `${n}:${responseName}`;
      config.MockedResponses[`${n}:${responseName}`] = raw[responseName];
    }
    config.StateMachines[machineName] = { TestCases: { [testCase.name]: states } };
    byCase.set(c.id, { machineName, testCase: testCase.name });
  }
  fs.writeFileSync(file, JSON.stringify(config));
  return byCase;
}

function behaviourKey(fn: CaseFunction): string | undefined {
  const b = behaviourOf(fn);
  return b === undefined ? undefined : `${b.folder}\0${caseRuntime(fn)}\0${fn.handler ?? 'handler'}`;
}

/**
 * The recordings give one function name different behaviours in different cases, and the cases
 * share one server: each (name, behaviour) gets its own server function, named like the case's with
 * the recorder's 8-digit suffix (`lambda_func_00000001`) replaced by a counter. The name keeps its
 * length, so response sizes (a Content-Length in SdkHttpMetadata) stay as recorded.
 */
class FunctionNames {
  private readonly names = new Map<string, string>();
  readonly behaviours = new Map<string, CaseFunction>();

  /** The server function written at start for this name and behaviour. */
  lookup(name: string, fn: CaseFunction): string | undefined {
    const key = behaviourKey(fn);
    return key === undefined ? undefined : this.names.get(`${name}\0${key}`);
  }

  nameFor(name: string, fn: CaseFunction): string | undefined {
    const key = behaviourKey(fn);
    if (key === undefined) return undefined;
    const id = `${name}\0${key}`;
    let serverName = this.names.get(id);
    if (serverName === undefined) {
      const n = String(this.names.size + 1).padStart(8, '0');
      serverName = /\d{8}$/.test(name) ? name.slice(0, -8) + n : `${name.slice(0, 50)}-${n}`;
      this.names.set(id, serverName);
      this.behaviours.set(serverName, fn);
    }
    return serverName;
  }
}

/** Writes a functions dir (one folder per server function) for every function the cases name. */
function writeFunctionsDir(dir: string, cases: readonly ConformanceCase[], names: FunctionNames): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const c of cases) {
    if (requirementsBeyondMock(c.requires, c.definition, c.mock).includes('lambda')) for (const [name, fn] of Object.entries(caseFunctions(c.file) ?? {})) names.nameFor(name, fn);
  }
  for (const [serverName, fn] of names.behaviours) {
    const b = behaviourOf(fn);
    if (b === undefined) continue;
    const target = path.join(dir, serverName);
    fs.cpSync(behaviourDir(b), target, { recursive: true });
    const timeoutSeconds = b.serverTimeoutSeconds ?? b.timeoutSeconds;
    const config = { runtime: caseRuntime(fn), handler: `${fn.handler ?? 'handler'}.handler`, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) };
    fs.writeFileSync(path.join(target, 'function.json'), JSON.stringify(config));
  }
}

/** Spawns `stepwright server` (the CLI, from the TypeScript sources) with the cases' functions. */
export async function startConformanceServer(cases: readonly ConformanceCase[], aws?: AwsFixtures): Promise<ConformanceServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-conformance-'));
  const functionsDir = path.join(tmp, 'functions');
  const names = new FunctionNames();
  writeFunctionsDir(functionsDir, cases, names);
  const mockFile = path.join(tmp, 'MockConfigFile.json');
  const mocks = writeMockConfig(mockFile, cases);
  const args = ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--data-dir', path.join(tmp, 'data'), '--functions-dir', functionsDir, '--mock-config', mockFile];
  args.push('--account-id', SERVER_ACCOUNT, '--region', SERVER_REGION, '--log-level', 'silent');
  // The AWS services moto stands in for; Step Functions calls stay with the server itself.
  if (aws !== undefined) for (const service of ['sns', 'sqs', 'dynamodb', 's3', 'eventbridge', 'secretsmanager']) args.push('--aws-endpoint', `${service}=${aws.endpoint}`);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s: ${stdout}${stderr}`)), 30_000);
      child.stdout?.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code}: ${stdout}${stderr}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  // disableHostPrefix: StartSyncExecution would go to sync-127.0.0.1.
  const sfn = new SFNClient({ endpoint: url, region: SERVER_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, disableHostPrefix: true });
  return {
    url,
    sfn,
    ...(aws !== undefined ? { aws } : {}),
    functionName: (name, fn) => names.lookup(name, fn),
    mockOf: (caseId) => mocks.get(caseId),
    close: async () => {
      sfn.destroy();
      await stop();
    },
  };
}

export function planOnServer(c: ConformanceCase, aws = false): { run: true } | { run: false; reason: string } {
  const missing = missingOnServer(requirementsBeyondMock(c.requires, c.definition, c.mock), aws);
  if (missing.length === 0) return { run: true };
  return { run: false, reason: missing.map((m) => `${m.name} (${m.builtBy})`).join(', ') };
}

/** The LocalStack test a case was recorded by: `test_start_execution_sync` of `callback/test_callback.py::TestCallback::test_start_execution_sync`. */
function testName(id: string): string {
  return (id.split('::').at(-1) ?? id).replace(/[[#].*$/, '');
}

const PASS_RESULT = { StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } };

/**
 * The machines LocalStack's tests started as children, which the recordings name only by ARN
 * (from its templates: BaseTemplate.BASE_PASS_RESULT unless listed here). A Lambda ARN's
 * function name is one of the case's functions, mapped like the definition's.
 */
const CHILD_MACHINES: Readonly<Record<string, unknown>> = {
  test_start_execution_sync_delegate_failure: {
    StartAt: 'Fail',
    States: { Fail: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } },
  },
  // The function sleeps 60 s; the child's Task times out first (States.Timeout).
  test_start_execution_sync_delegate_timeout: {
    StartAt: 'InvokeLambdaWithTimeout',
    States: {
      InvokeLambdaWithTimeout: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'lambda_1_func_00000001', 'Payload.$': '$.Payload' },
        TimeoutSeconds: 1,
        End: true,
      },
    },
  },
};

const STATE_MACHINE_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/;
const ACTIVITY_STUB = "<STUB:create_activity()['activityArn']>";

/** Replaces every occurrence of each key by its value in a JSON text (longest keys first). */
function replaceAll(text: string, replacements: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of [...replacements].sort((a, b) => b[0].length - a[0].length)) out = out.split(from).join(to);
  return out;
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** What the activity worker of a case does, read from the recorded history. */
interface ActivityPlan {
  /** The recording says the activity was deleted before the execution reached it. */
  readonly deleted: boolean;
  /** No worker took the task (the state timed out). */
  readonly worker: boolean;
  readonly workerName?: string;
  readonly heartbeat: boolean;
  /** What the worker sends back; `none`: it took the task and never answered (the state timed out). */
  readonly answer: { readonly output: string } | { readonly error?: string; readonly cause?: string } | 'none';
}

function activityPlan(c: ConformanceCase): ActivityPlan {
  const events = c.expected.events ?? [];
  const detail = (type: string, key: string): Record<string, unknown> | undefined => {
    const e = events.find((x) => x.type === type);
    return e === undefined ? undefined : ((e[key] ?? {}) as Record<string, unknown>);
  };
  const scheduled = detail('ActivityScheduled', 'activityScheduledEventDetails');
  const started = detail('ActivityStarted', 'activityStartedEventDetails');
  const succeeded = detail('ActivitySucceeded', 'activitySucceededEventDetails');
  const failed = detail('ActivityFailed', 'activityFailedEventDetails');
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  const deleted = events.length > 0 && scheduled === undefined && /activity .* does not exist/.test(String(c.expected.cause ?? ''));
  return {
    deleted,
    // Without a recorded history the worker answers with the task's input.
    worker: !deleted && (events.length === 0 || started !== undefined),
    ...(typeof started?.workerName === 'string' ? { workerName: started.workerName } : {}),
    heartbeat: scheduled?.heartbeatInSeconds !== undefined,
    answer:
      failed !== undefined
        ? { ...(typeof failed.error === 'string' ? { error: failed.error } : {}), ...(failed.cause !== undefined ? { cause: text(failed.cause) } : {}) }
        : succeeded !== undefined || events.length === 0
          ? { output: succeeded !== undefined ? text(succeeded.output) : '' }
          : 'none',
  };
}

/** Polls GetActivityTask until a task comes (or the case ends), then answers as the recording says. */
async function activityWorker(sfn: SFNClient, activityArn: string, plan: ActivityPlan, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, ...(plan.workerName !== undefined ? { workerName: plan.workerName } : {}) }), { abortSignal: signal });
    if (task.taskToken === undefined || task.taskToken === '') continue;
    const taskToken = task.taskToken;
    if (plan.answer === 'none') return;
    if (plan.heartbeat) await sfn.send(new SendTaskHeartbeatCommand({ taskToken }), { abortSignal: signal });
    if ('output' in plan.answer) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: plan.answer.output === '' ? (task.input ?? '{}') : plan.answer.output }), { abortSignal: signal });
    } else {
      await sfn.send(new SendTaskFailureCommand({ taskToken, ...plan.answer }), { abortSignal: signal });
    }
    return;
  }
}

/**
 * What whoever reads a callback case's messages does with each token, read from the recorded
 * history: the k-th `.waitForTaskToken` task is answered as its recorded end says (success with
 * its output, failure with its error and cause, nothing when it timed out), after a heartbeat when
 * the task has one. The recording's consumer took the token from the SQS message or SNS
 * notification the task sent; this one takes it from the server's list of waiting tasks.
 */
interface CallbackAnswer {
  readonly heartbeat: boolean;
  readonly answer: { readonly output: string } | { readonly error?: string; readonly cause?: string } | 'none';
}

function callbackPlan(c: ConformanceCase): CallbackAnswer[] {
  const events = c.expected.events ?? [];
  const waits = (e: RecordedEvent, key: string): boolean => String((e[key] as { resource?: unknown } | undefined)?.resource ?? '').endsWith('.waitForTaskToken');
  const scheduled = events.filter((e) => e.type === 'TaskScheduled' && waits(e, 'taskScheduledEventDetails'));
  const ends = events.filter(
    (e) =>
      (e.type === 'TaskSucceeded' && waits(e, 'taskSucceededEventDetails')) ||
      (e.type === 'TaskFailed' && waits(e, 'taskFailedEventDetails')) ||
      (e.type === 'TaskTimedOut' && waits(e, 'taskTimedOutEventDetails')),
  );
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  return scheduled.map((s, k) => {
    const end = ends[k];
    const heartbeat = (s.taskScheduledEventDetails as { heartbeatInSeconds?: unknown } | undefined)?.heartbeatInSeconds !== undefined;
    if (end === undefined || end.type === 'TaskTimedOut') return { heartbeat, answer: 'none' };
    if (end.type === 'TaskSucceeded') return { heartbeat, answer: { output: text((end.taskSucceededEventDetails as { output?: unknown }).output) } };
    const failed = end.taskFailedEventDetails as { error?: unknown; cause?: unknown };
    return { heartbeat, answer: { ...(typeof failed.error === 'string' ? { error: failed.error } : {}), ...(failed.cause !== undefined ? { cause: text(failed.cause) } : {}) } };
  });
}

/**
 * Answers each task of the execution that waits for its token, in order, as the plan says; only
 * once its message went out (its TaskSubmitted is in the history), as a consumer reading the queue
 * could not answer before.
 */
async function callbackConsumer(url: string, sfn: SFNClient, executionArn: string, plan: readonly CallbackAnswer[], signal: AbortSignal): Promise<void> {
  const seen = new Set<string>();
  for (let k = 0; k < plan.length && !signal.aborted; ) {
    const r = await fetch(`${url}/console/api/waiting-tasks?executionArn=${encodeURIComponent(executionArn)}`, { signal });
    const { tasks } = (await r.json()) as { tasks: { taskToken: string }[] };
    const submitted = tasks.length === 0 ? 0 : (await fullHistory(sfn, executionArn)).filter((e) => e.type === 'TaskSubmitted').length;
    for (const { taskToken } of tasks) {
      if (seen.has(taskToken) || submitted <= k) continue;
      seen.add(taskToken);
      const step = plan[k++];
      if (step === undefined || step.answer === 'none') continue;
      if (step.heartbeat) await sfn.send(new SendTaskHeartbeatCommand({ taskToken }), { abortSignal: signal });
      if ('output' in step.answer) {
        // The recording names the token the consumer echoed (`<task_token:1>`): this run's token stands there.
        const output = step.answer.output.replace(/<(?:<task_token>|task_token):\d+>/g, taskToken);
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output }), { abortSignal: signal });
      } else await sfn.send(new SendTaskFailureCommand({ taskToken, ...step.answer }), { abortSignal: signal });
    }
    await sleep(50);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function fullHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken !== undefined ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/** DescribeExecution until the execution ends, backing off from 20 ms to 250 ms; undefined at the deadline. */
async function awaitEnd(sfn: SFNClient, executionArn: string, deadline: number): Promise<ActualResult | undefined> {
  let delay = 20;
  while (performance.now() < deadline) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE') return { status: d.status ?? '', output: d.output, error: d.error, cause: d.cause };
    await sleep(delay);
    delay = Math.min(250, delay * 2);
  }
  return undefined;
}

export async function runCaseOnServer(c: ConformanceCase, server: ConformanceServer, tag: string, timeLimitMs = DEFAULT_SERVER_CASE_TIME_LIMIT_MS): Promise<CaseOutcome> {
  const plan = planOnServer(c, server.aws !== undefined);
  if (!plan.run) return { id: c.id, category: c.category, status: 'skipped', reason: plan.reason };
  const started = performance.now();
  const deadline = started + timeLimitMs;
  const { sfn } = server;
  const names = new Map<string, string>();
  // A mock that answers every Task serves the services and functions the case calls.
  const needs = requirementsBeyondMock(c.requires, c.definition, c.mock);
  const mock = c.mock === undefined ? undefined : server.mockOf(c.id);
  if (c.mock !== undefined && mock === undefined) return failedToRun(c, 'the mock configuration of the case names no single test case', started);
  if (needs.includes('lambda')) {
    for (const [name, fn] of Object.entries(caseFunctions(c.file) ?? {})) {
      const serverName = server.functionName(name, fn);
      if (serverName === undefined) {
        const why = behaviourOf(fn) === undefined ? `no conformance function behaves as the case's function ${name} does: ${fn.behaviour ?? '(no behaviour given)'}` : `the server was started without the function ${name}`;
        return failedToRun(c, why, started);
      }
      names.set(name, serverName);
    }
  }
  const worker = new AbortController();
  let workerDone: Promise<void> = Promise.resolve();
  try {
    let definition = replaceAll(JSON.stringify(resolveStubs(c.definition, { region: SERVER_REGION, accountId: SERVER_ACCOUNT })), names);
    const awsInput = server.aws !== undefined && needsAwsServices(c) ? await server.aws.prepareInput(c) : undefined;
    let input = replaceAll(awsInput !== undefined ? JSON.stringify(awsInput) : (c.inputText ?? JSON.stringify(c.input)), names);

    let activity: ActivityPlan | undefined;
    let activityArn: string | undefined;
    if (needs.includes('activity')) {
      activityArn = (await sfn.send(new CreateActivityCommand({ name: `${tag}-activity` }))).activityArn ?? '';
      definition = replaceAll(definition, new Map([[ACTIVITY_STUB, activityArn]]));
      activity = activityPlan(c);
      if (activity.deleted) await sfn.send(new DeleteActivityCommand({ activityArn }));
    }
    if (needs.includes('nested-execution') || needs.includes('aws-sdk:sfn')) {
      const children = new Map<string, string>();
      // aws-sdk:sfn cases name their target in the definition too (test_sfn_start_execution_implicit_json_serialisation).
      for (const s of [...stringsIn(c.input), ...stringsIn(c.definition)]) {
        if (!STATE_MACHINE_ARN.test(s) || children.has(s)) continue;
        const child = CHILD_MACHINES[testName(c.id)] ?? PASS_RESULT;
        const created = await sfn.send(
          new CreateStateMachineCommand({ name: `${tag}-child${children.size}`, definition: replaceAll(JSON.stringify(child), names), roleArn: ROLE_ARN }),
        );
        children.set(s, created.stateMachineArn ?? '');
      }
      input = replaceAll(input, children);
      definition = replaceAll(definition, children);
    }

    const express = c.kind === 'express-sync';
    const machine = await sfn.send(new CreateStateMachineCommand({ name: mock?.machineName ?? tag, definition, roleArn: ROLE_ARN, ...(express ? { type: 'EXPRESS' } : {}) }));
    // A mock case starts its test case as Step Functions Local's users do: MACHINE_ARN#TestCase.
    const stateMachineArn = `${machine.stateMachineArn ?? ''}${mock !== undefined ? `#${mock.testCase}` : ''}`;
    let actual: ActualResult;
    if (express) {
      const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input }), { abortSignal: AbortSignal.timeout(timeLimitMs) });
      actual = { status: r.status ?? '', output: r.output, error: r.error, cause: r.cause };
    } else {
      const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
      if (activity?.worker === true && activityArn !== undefined) workerDone = activityWorker(sfn, activityArn, activity, worker.signal).catch(() => undefined);
      if (needs.includes('callback')) workerDone = callbackConsumer(server.url, sfn, executionArn, callbackPlan(c), worker.signal).catch(() => undefined);
      const ended = await awaitEnd(sfn, executionArn, deadline);
      if (ended === undefined) {
        await sfn.send(new StopExecutionCommand({ executionArn })).catch(() => undefined);
        return failedToRun(c, `still RUNNING after the time limit of ${timeLimitMs} ms`, started, 'RUNNING');
      }
      const events = (await fullHistory(sfn, executionArn)) as unknown as RecordedEvent[];
      actual = { ...ended, events: mock !== undefined ? withoutSubmittedOutput(events) : events };
    }
    const comparison = compareResult(mock !== undefined ? mockedExpectation(c.expected) : c.expected, actual, { events: !express });
    return {
      id: c.id,
      category: c.category,
      status: comparison.differences.length === 0 ? 'passed' : 'failed',
      differences: comparison.differences,
      exactEventOrder: comparison.exactEventOrder,
      ms: performance.now() - started,
    };
  } catch (e) {
    const crash = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ...failedToRun(c, 'the server refused a request of the case', started, crash), crash };
  } finally {
    worker.abort();
    await workerDone;
  }
}

/** Runs the cases `concurrency` at a time; the outcomes come back in the order of `cases`. */
export async function runCasesOnServer(
  cases: readonly ConformanceCase[],
  server: ConformanceServer,
  options: { timeLimitMs?: number; concurrency?: number; onOutcome?: (o: CaseOutcome) => void } = {},
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = new Array<CaseOutcome>(cases.length);
  const run = Date.now().toString(36);
  // The cases that call AWS services share one moto, emptied before each: they run after the others, one at a time.
  const usesMoto = (c: ConformanceCase): boolean => server.aws !== undefined && needsAwsServices(c) && planOnServer(c, true).run;
  const queue = [...cases.keys()].filter((i) => !usesMoto(cases[i]));
  const lane = async (): Promise<void> => {
    while (queue.length > 0) {
      const i = queue.shift() as number; // the loop's condition: there is one
      const o = await runCaseOnServer(cases[i], server, `c${i}-${run}`, options.timeLimitMs);
      options.onOutcome?.(o);
      outcomes[i] = o;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? DEFAULT_SERVER_CONCURRENCY) }, lane));
  for (const i of [...cases.keys()].filter((i) => usesMoto(cases[i]))) {
    const o = await runCaseOnServer(cases[i], server, `c${i}-${run}`, options.timeLimitMs);
    options.onOutcome?.(o);
    outcomes[i] = o;
  }
  return outcomes;
}
