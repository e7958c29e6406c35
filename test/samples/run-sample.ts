/**
 * Runs a sample project's definitions end to end on a real Stepwright: an app with its template's
 * Lambda functions (Node and Python handlers in the function runtime) and activities, served on a
 * loopback port so that Step Functions and Lambda SDK calls reach it, AWS service calls sent to a
 * moto_server, Wait states and Retry back-off taking no time. Tasks that wait for a token are
 * answered with `{}` when nothing else (the sample's own functions) answered them 1.5 s after
 * their message went out. A
 * definition the inspection says cannot run is not started, with the reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app/create-app.js';
import { startStepwrightServer, type StepwrightServer } from '../../src/app/server.js';
import { registerSamFunctions } from '../../src/app/sam/index.js';
import { FunctionRuntime } from '../../src/functions/index.js';
import { isPollableActivity, parseResourceArn } from '../../src/language/resource-arn.js';
import { ServiceError } from '../../src/service/index.js';
import { watchWaitingTasks } from '../../src/cli/waiting-tasks.js';
import { MOTO_CREDENTIALS } from '../moto-server.js';
import type { SampleDefinition, SampleProject } from './discover.js';
import { inspectDefinition, motoAwsConfig, type Inspection } from './inspect.js';
import { provisionTemplate } from './provision.js';

const REGION = 'us-east-1';
/** How long a task waits for its token before the runner answers it with `{}`. */
const TOKEN_ANSWER_DELAY_MS = 1_500;
const ACCOUNT_ID = '123456789012';

export type RunOutcome =
  | {
      readonly kind: 'ran';
      readonly status: string;
      readonly output?: string;
      readonly error?: string;
      readonly cause?: string;
      readonly input: string;
      /** Where the input came from (an example file, the README), absent for `{}`. */
      readonly inputFrom?: string;
      readonly answeredTokens: number;
      /** It failed in one of its own Fail states (the sample's designed outcome, or an error it caught and ended on). */
      readonly failState?: string;
    }
  | { readonly kind: 'notRun'; readonly reason: string };

export interface DefinitionReport {
  readonly project: string;
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly inspection: Inspection;
  readonly run: RunOutcome;
  /** What the function runtime said and the resources moto could not be given. */
  readonly notes?: readonly string[];
}

export interface RunOptions {
  /** moto_server's endpoint; without it definitions calling AWS services are not run. */
  readonly motoEndpoint?: string;
  /** Forgets moto's resources before each project. */
  readonly resetMoto?: () => Promise<void>;
  /** How long one execution may take (default 20 s). */
  readonly timeLimitMs?: number;
}

// Lambda's Node runtimes come with the AWS SDK v3; a sample's handler `require`s it without shipping it.
const STEPWRIGHT_NODE_MODULES = path.resolve(import.meta.dirname, '../../node_modules');

/**
 * What the runner adds to each sample function's environment: the SDK Lambda's Node runtimes
 * provide (Stepwright's own clients, for `require`), and moto as the endpoint of the services it
 * emulates (the SDKs' service-specific AWS_ENDPOINT_URL_*), Step Functions and Lambda staying ours.
 */
function functionEnvironment(motoEndpoint: string | undefined): Record<string, string> {
  const env: Record<string, string> = { NODE_PATH: STEPWRIGHT_NODE_MODULES };
  if (motoEndpoint !== undefined) for (const id of ['S3', 'DYNAMODB', 'SQS', 'SNS', 'EVENTBRIDGE', 'SECRETS_MANAGER']) env[`AWS_ENDPOINT_URL_${id}`] = motoEndpoint;
  return env;
}

const FENCE = /```([A-Za-z]*)[^\n]*\n([^]*?)```/g;

/**
 * The example input a README gives: the first fenced block that is a JSON object and that the
 * text just before it calls an input ("Start execution … using the following input values:").
 */
export function readmeInput(text: string): string | undefined {
  for (const m of text.matchAll(FENCE)) {
    if (['bash', 'sh', 'shell', 'yaml', 'yml', 'python', 'js', 'javascript', 'ts'].includes(m[1].toLowerCase())) continue;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 300), m.index);
    if (!/\binput\b/i.test(before.slice(before.lastIndexOf('```') + 1))) continue;
    try {
      const value: unknown = JSON.parse(m[2]);
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('States' in value) && !('Statement' in value)) return m[2].trim();
    } catch {
      // not JSON: the next block
    }
  }
  return undefined;
}

/**
 * The input a sample's executions get: a JSON file it ships as an example input (by its name, or
 * in an `events/` folder), else the example its README gives, else `{}`.
 */
export function guessInput(dir: string): { text: string; file?: string } {
  const found: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 3) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !['node_modules', '.git', 'cdk.out', '.aws-sam'].includes(e.name)) walk(path.join(d, e.name), depth + 1);
      else if (e.isFile() && /\.json$/i.test(e.name) && /(^|[-_.])(input|execution-input|sample-input|test-input|payload)([-_.]|$)|^events?[-_.]|^input/i.test(e.name)) found.push(path.join(d, e.name));
      else if (e.isFile() && /\.json$/i.test(e.name) && /^events?$/i.test(path.basename(d))) found.push(path.join(d, e.name));
    }
  };
  walk(dir, 0);
  for (const file of found) {
    try {
      const text = fs.readFileSync(file, 'utf8');
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !('States' in value) && !('Resources' in value)) return { text, file };
    } catch {
      // not JSON: the next
    }
  }
  const readme = fs.readdirSync(dir).find((f) => /^readme\.md$/i.test(f));
  const fromReadme = readme === undefined ? undefined : readmeInput(fs.readFileSync(path.join(dir, readme), 'utf8'));
  return fromReadme !== undefined ? { text: fromReadme, file: path.join(dir, readme as string) } : { text: '{}' };
}

/** Whether an AWS service other than Step Functions and Lambda (those are Stepwright's) is called. */
function callsAwsServices(inspection: Inspection): boolean {
  return inspection.resources.some((r) => !/^(lambda|activity|states:|aws-sdk:sfn:|aws-sdk:lambda:|http:)/.test(r.integration));
}

/** Why the definition is not started, or undefined when it can be. */
function notRunReason(definition: SampleDefinition, inspection: Inspection, functions: ReadonlySet<string>, hasMoto: boolean): string | undefined {
  // First: a placeholder left as a Resource also makes the definition invalid, and the missing value is the cause.
  if (inspection.placeholders.length > 0) return `substitution without a value: ${inspection.placeholders.map((p) => `\${${p}}`).join(', ')}`;
  if (!inspection.valid) return 'invalid definition';
  const unserved = inspection.resources.filter((r) => !r.served);
  if (unserved.length > 0) return `uses what Stepwright does not serve: ${[...new Set(unserved.map((r) => r.integration))].join(', ')}`;
  const missing = inspection.functions.filter((f) => !functions.has(f));
  if (missing.length > 0) return `Lambda function code not present: ${missing.join(', ')}${definition.sam === undefined ? ' (no template to load it from)' : ''}`;
  if (!hasMoto && callsAwsServices(inspection)) return 'calls AWS services and moto_server is not on PATH';
  return undefined;
}

const activityArns = (inspection: Inspection): string[] => inspection.resources.filter((r) => isPollableActivity(parseResourceArn(r.resource))).map((r) => r.resource);

/** The Fail state the execution ended in, when it ended in one (its last entered state). */
async function failStateOf(app: App, executionArn: string): Promise<string | undefined> {
  const { events } = await app.service.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 20 });
  const entered = events.find((e) => e.type.endsWith('StateEntered'));
  return entered?.type === 'FailStateEntered' ? String(entered.stateEnteredEventDetails?.name ?? '') : undefined;
}

async function runOne(app: App, definition: SampleDefinition, given: { text: string; file?: string }, timeLimitMs: number, answered: Map<string, number>): Promise<RunOutcome> {
  const input = given.text;
  const from = given.file !== undefined ? { inputFrom: path.basename(given.file) } : {};
  const sw = app.service;
  let stateMachineArn: string;
  try {
    ({ stateMachineArn } = await sw.createStateMachine({ name: definition.name, definition: definition.text, type: definition.type }));
  } catch (e) {
    if (!(e instanceof ServiceError && e.code === 'StateMachineAlreadyExists' && e.resourceArn !== undefined)) return { kind: 'notRun', reason: `CreateStateMachine refused it: ${e instanceof Error ? e.message : String(e)}` };
    stateMachineArn = e.resourceArn;
  }
  // Created before (every machine is, so that one may start another): the same name may be another definition's.
  const existing = await sw.describeStateMachine(stateMachineArn);
  if (existing.definition !== definition.text) return { kind: 'notRun', reason: `another definition of this project is created under the same name, ${definition.name}` };
  // An Express machine runs as API Gateway and EventBridge start them: synchronously, with no history kept.
  const express = existing.type === 'EXPRESS';
  const started = express ? undefined : await sw.startExecution({ stateMachineArn, input });
  const executionArn = started?.executionArn ?? '';
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeLimitMs)));
  const done = await Promise.race([express ? sw.startSyncExecution({ stateMachineArn, input }) : sw.awaitExecution(executionArn), late]);
  clearTimeout(timer);
  if (done === 'late') {
    if (!express) await sw.stopExecution({ executionArn, error: 'Samples.TimeLimit', cause: `not finished within ${timeLimitMs} ms` }).catch(() => undefined);
    return { kind: 'ran', status: 'TIMED_OUT', error: 'Samples.TimeLimit', cause: `not finished within ${timeLimitMs} ms`, input, ...from, answeredTokens: answered.get(executionArn) ?? 0 };
  }
  const failState = done.status === 'FAILED' && !express ? await failStateOf(app, executionArn) : undefined;
  return {
    kind: 'ran',
    status: done.status,
    ...(failState !== undefined ? { failState } : {}),
    ...(done.output !== undefined ? { output: done.output } : {}),
    ...(done.error !== undefined ? { error: done.error } : {}),
    ...(done.cause !== undefined ? { cause: done.cause } : {}),
    input,
    ...from,
    answeredTokens: answered.get(executionArn) ?? 0,
  };
}

/** Inspects each definition of the project, then runs those that can run, on one app for the project. */
export async function runSampleProject(project: SampleProject, options: RunOptions = {}): Promise<DefinitionReport[]> {
  const reports: DefinitionReport[] = [];
  const inspected = project.definitions.map((d) => ({ definition: d, inspection: inspectDefinition(d.text, d.type) }));
  const notices: string[] = [];
  // The samples' functions run as the user running this command, as `sam local` runs them: the
  // interpreters on that user's PATH are the ones with the SDKs Lambda's runtimes include (boto3).
  const runtime = new FunctionRuntime({ region: REGION, accountId: ACCOUNT_ID, idleMs: 30_000, workerUser: false, onNotice: (m) => notices.push(m) });
  for (const sam of project.templates) {
    try {
      registerSamFunctions(runtime, { ...sam, functions: sam.functions.map((f) => ({ ...f, config: { ...f.config, environment: { ...functionEnvironment(options.motoEndpoint), ...(f.config.environment ?? {}) } } })) });
    } catch (e) {
      notices.push(`${sam.templateFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const functions = new Set(runtime.list().map((f) => f.name));
  const reasons = inspected.map(({ definition, inspection }) => notRunReason(definition, inspection, functions, options.motoEndpoint !== undefined));
  if (reasons.every((r) => r !== undefined)) {
    await runtime.close();
    return inspected.map(({ definition, inspection }, i) => ({ project: project.id, id: definition.id, name: definition.name, type: definition.type, inspection, run: { kind: 'notRun', reason: reasons[i] as string } }));
  }

  await options.resetMoto?.();
  if (options.motoEndpoint !== undefined) for (const sam of project.templates) notices.push(...(await provisionTemplate(sam, options.motoEndpoint, REGION)));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-samples-'));
  const self: { url?: string } = {};
  const answered = new Map<string, number>();
  let app: App | undefined;
  let server: StepwrightServer | undefined;
  try {
    app = await createApp({
      dataDir,
      synchronous: 'OFF',
      functions: runtime,
      aws: options.motoEndpoint !== undefined ? motoAwsConfig(options.motoEndpoint, MOTO_CREDENTIALS) : { endpoints: new Map() },
      selfEndpoint: () => self.url,
      region: REGION,
      accountId: ACCOUNT_ID,
      timeScale: 0,
      onError: () => undefined,
      wrapResources: (router) =>
        watchWaitingTasks(router, (task) => {
          // Later, so that the sample's own answer (a function calling SendTaskSuccess) comes first; a token answered already is refused.
          setTimeout(() => {
            app?.service.sendTaskSuccess({ taskToken: task.taskToken, output: '{}' }).then(
              () => answered.set(task.executionArn, (answered.get(task.executionArn) ?? 0) + 1),
              () => undefined,
            );
          }, TOKEN_ANSWER_DELAY_MS);
        }),
    });
    server = await startStepwrightServer({ composed: { app, runtime }, port: 0, dataDir, logLevel: false, region: REGION, accountId: ACCOUNT_ID });
    self.url = server.url;
    // Handlers' Step Functions and Lambda calls come here (the rest go to moto: functionEnvironment).
    runtime.setAwsEndpoint(server.url, MOTO_CREDENTIALS);
    for (const sam of project.templates) for (const a of sam.activities) await app.service.createActivity({ name: a.name }).catch(() => undefined);
    for (const { inspection } of inspected) {
      for (const arn of activityArns(inspection)) {
        const a = parseResourceArn(arn);
        if (a.kind === 'activity' && a.region === REGION && a.accountId === ACCOUNT_ID) await app.service.createActivity({ name: a.name }).catch(() => undefined);
      }
    }
    // Every machine first: one may start another by ARN.
    for (const [i, { definition }] of inspected.entries()) {
      if (reasons[i] !== undefined && !inspected[i].inspection.valid) continue;
      await app.service.createStateMachine({ name: definition.name, definition: definition.text, type: definition.type }).catch(() => undefined);
    }
    const input = guessInput(project.dir);
    for (const [i, { definition, inspection }] of inspected.entries()) {
      const reason = reasons[i];
      const run: RunOutcome =
        reason !== undefined
          ? { kind: 'notRun', reason }
          : await runOne(app, definition, input, options.timeLimitMs ?? 20_000, answered).catch(
              (e: unknown): RunOutcome => ({ kind: 'notRun', reason: `the runner failed on it: ${e instanceof Error ? e.message : String(e)}` }),
            );
      reports.push({ project: project.id, id: definition.id, name: definition.name, type: definition.type, inspection, run, ...(notices.length > 0 ? { notes: [...notices] } : {}) });
    }
  } finally {
    await server?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return reports;
}
