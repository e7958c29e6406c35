import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDefinitionText } from '../../language/parse.js';
import type { Json } from '../../language/json.js';
import { parseResourceArn, isPollableActivity } from '../../language/resource-arn.js';
import { InvalidDefinitionError, InvalidExecutionInputError, prepareMachine } from '../../engine/index.js';
import type { HistoryEvent, TaskResources } from '../../engine/index.js';
import { StoreError } from '../../store/index.js';
import { createApp, type App } from '../../app/create-app.js';
import type { AwsConfig } from '../../integrations/aws/config.js';
import { addAwsEndpointOption, awsConfigOption } from '../aws-options.js';
import { syncDefinitions } from '../../app/project.js';
import { describeFailure, registerSamFunctions, registerSamStateMachines, resourcePlace, type LoadedStateMachine, type SamProject } from '../../app/sam/index.js';
import { startStepwrightServer, type StepwrightServer } from '../../app/server.js';
import { ServiceError } from '../../service/index.js';
import { FunctionRuntime, loadFunctionsDir } from '../../functions/index.js';
import { command, parseArguments, portOption, startFailure, stdio, type CliIO } from '../io.js';
import { printFunctionLogs } from '../function-log-lines.js';
import { watchWaitingTasks, type WaitingTask } from '../waiting-tasks.js';
import type { HttpConnections } from '../../integrations/http-connections.js';
import { addSamOptions, httpConnectionsOption, samOption, type SamFlags } from './server.js';
import { addMockOptions, mockOptions, type MockFlags } from '../mock-options.js';
import type { MockConfig } from '../../integrations/mock-config.js';

const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';

export interface RunCommandOptions {
  readonly io?: CliIO;
  /** Serves Task states instead of the project's functions (tests). */
  readonly resources?: TaskResources;
}

/** A folder beside the definition or beside its `state-machines/` folder (the project layout). */
function projectDir(definitionFile: string, name: string): string | undefined {
  const dir = path.dirname(path.resolve(definitionFile));
  for (const candidate of [path.join(dir, name), path.join(dir, '..', name)]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate;
  }
  return undefined;
}

/** The project folder holding an `aws.json` (beside the definition or beside its `state-machines/` folder). */
function awsProjectDir(definitionFile: string): string | undefined {
  const dir = path.dirname(path.resolve(definitionFile));
  return [dir, path.join(dir, '..')].find((candidate) => fs.existsSync(path.join(candidate, 'aws.json')));
}

/** The definition's own folder when it is a project's `state-machines/`: its siblings can be started as nested executions. */
function projectDefinitionsDir(definitionFile: string): string | undefined {
  const dir = path.dirname(path.resolve(definitionFile));
  return path.basename(dir) === 'state-machines' ? dir : undefined;
}

/** Activity ARNs a definition's Task states name (in Parallel branches and Map processors too). */
function activityArnsIn(definition: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(definition)) for (const v of definition) activityArnsIn(v, found);
  else if (definition !== null && typeof definition === 'object') {
    for (const [k, v] of Object.entries(definition)) {
      if (k === 'Resource' && typeof v === 'string' && isPollableActivity(parseResourceArn(v))) found.add(v);
      else activityArnsIn(v, found);
    }
  }
  return found;
}

interface RunOutcome {
  readonly executionArn: string;
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: HistoryEvent[];
}

/** The state machine of a template `run --sam` runs: the one named (name or logical id), or the only one. */
function pickStateMachine(project: SamProject, wanted: string | undefined, io: CliIO): LoadedStateMachine | undefined {
  const all = project.stateMachines;
  const names = all.map((m) => (m.name === m.logicalId ? m.name : `${m.name} (${m.logicalId})`)).join(', ');
  if (wanted === undefined) {
    if (all.length === 1) return all[0];
    io.err(all.length === 0 ? `stepwright run: ${project.templateFile} has no state machine\n` : `stepwright run: the template has ${all.length} state machines; choose one with --state-machine NAME: ${names}\n`);
    return undefined;
  }
  const found = all.find((m) => m.name === wanted) ?? all.find((m) => m.logicalId === wanted);
  if (found === undefined) io.err(`stepwright run: no state machine '${wanted}' in the template; it has ${names || 'none'}\n`);
  return found;
}

/**
 * `stepwright run DEFINITION [--input JSON|@file] [--history] [--name N] [--data-dir DIR]
 * [--functions-dir DIR] [--definitions-dir DIR] [--answer JSON] [--port P]`: one execution, with the
 * Task resources the server has (Lambda functions, `.waitForTaskToken`, activities, nested
 * executions). `stepwright run --sam template.yaml [--state-machine NAME]` runs a template's state
 * machine with the template's functions, activities and other machines. Without --data-dir nothing is kept. Prints the output (with --history one JSON
 * document with the history); exit code 0 when it SUCCEEDED, 1 otherwise, 2 on bad usage.
 */
export async function runRun(argv: readonly string[], options: RunCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = command('stepwright run', io)
    .argument('[definition]', 'state machine definition file (JSON or YAML); or --sam template.yaml')
    .option('-i, --input <json>', 'execution input as JSON text, or @file to read it from a file', '{}')
    .option('--history', 'print one JSON document: status, output (or error and cause) and the history events')
    .option('-n, --name <name>', 'execution name')
    .option('--data-dir <dir>', 'run durably, stored in this data dir (SQLite), surviving restarts')
    .option('--functions-dir <dir>', "Lambda functions for Task states (default: the project's functions/ folder)")
    .option('--definitions-dir <dir>', "state machines nested executions may start (default: the project's state-machines/ folder)")
    .option('--http-connections <file>', 'JSON file of the EventBridge connections HTTP Tasks use (or set STEPWRIGHT_HTTP_CONNECTIONS=FILE); see docs/integrations.md')
    .option('--answer <json>', 'answer every task that waits for a token (.waitForTaskToken, activities) with this output')
    .option('-p, --port <port>', 'port of the API served while a task waits for its token (default: a free one)', '0')
    .option('--state-machine <name>', 'with --sam: the state machine to run (name or logical id), when the template has several')
    .option('--test-case <name>', 'run this test case of the --mock-config file (the machine is named as the file names it)');
  addSamOptions(program);
  addMockOptions(program);
  addAwsEndpointOption(program);
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const definitionFile: string | undefined = program.args[0];
  const opts = program.opts<{ input: string; history?: boolean; name?: string; dataDir?: string; functionsDir?: string; definitionsDir?: string; httpConnections?: string; answer?: string; port: string; stateMachine?: string; testCase?: string; awsEndpoint: string[] } & SamFlags & MockFlags>();
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  if ((definitionFile === undefined) === (opts.sam === undefined)) {
    io.err(`stepwright run: give ${definitionFile === undefined ? 'a DEFINITION file or --sam template.yaml' : 'a DEFINITION file or --sam template.yaml, not both'}\n`);
    return 2;
  }
  if (opts.stateMachine !== undefined && opts.sam === undefined) {
    io.err('stepwright run: --state-machine is for --sam\n');
    return 2;
  }
  let mocks: { mockConfig?: MockConfig; timeScale?: number };
  try {
    mocks = mockOptions(opts);
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 2;
  }
  if (opts.testCase !== undefined && mocks.mockConfig === undefined) {
    io.err('--test-case needs a mock configuration: --mock-config FILE or SFN_MOCK_CONFIG=FILE\n');
    return 2;
  }
  // Notes go to stderr: stdout is the execution's output.
  const sam = samOption({ ...opts, region: REGION, accountId: ACCOUNT_ID }, io, 'stepwright run', io.err);
  if (sam === false) return 1;
  const chosen = sam === undefined ? undefined : pickStateMachine(sam, opts.stateMachine, io);
  if (sam !== undefined && chosen === undefined) return 2;
  /** How messages name the definition: its file, or its place in the template. */
  const file = sam !== undefined && chosen !== undefined ? resourcePlace(sam, chosen.logicalId) : (definitionFile as string);
  let aws: AwsConfig;
  try {
    aws = awsConfigOption(opts.awsEndpoint, opts.sam !== undefined ? path.dirname(path.resolve(opts.sam)) : awsProjectDir(file));
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 2;
  }
  if (opts.answer !== undefined) {
    try {
      JSON.parse(opts.answer);
    } catch (e) {
      io.err(`invalid --answer: ${(e as Error).message}\n`);
      return 2;
    }
  }
  let definitionText: string;
  let inputText: string;
  let httpConnections: HttpConnections | undefined;
  try {
    httpConnections = httpConnectionsOption(opts.httpConnections);
    definitionText = chosen !== undefined ? chosen.definition : await readFile(file, 'utf8');
    inputText = opts.input.startsWith('@') ? await readFile(opts.input.slice(1), 'utf8') : opts.input;
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 2;
  }
  const parsed = parseDefinitionText(definitionText, { allowYaml: true });
  if ('diagnostics' in parsed) {
    for (const d of parsed.diagnostics) io.err(`${file}:${d.path}: ${d.code} ${d.message}\n`);
    return 1;
  }
  const temporary = opts.dataDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-run-')) : undefined;
  const runtime = new FunctionRuntime({ region: REGION, accountId: ACCOUNT_ID, onNotice: (m) => io.err(`${m}\n`) });
  // On stderr, so that stdout stays the execution's output.
  const stopPrinting = printFunctionLogs(runtime, io.err);
  let app: App | undefined;
  let server: Promise<StepwrightServer> | undefined;
  try {
    // The definition's diagnostics, each with its place, before anything is stored.
    prepareMachine(parsed.value);
    const functionsDir = opts.functionsDir ?? (sam === undefined ? projectDir(file, 'functions') : undefined);
    if (options.resources === undefined && functionsDir !== undefined) {
      const configs = loadFunctionsDir(path.resolve(functionsDir), (folder, e) => io.err(`function ${folder} is not registered: ${e.message}\n`));
      for (const config of configs) runtime.register(config);
    }
    if (options.resources === undefined && sam !== undefined) registerSamFunctions(runtime, sam);

    const waiting = (task: WaitingTask): void => {
      if (opts.answer !== undefined) {
        const answer = opts.answer;
        // After the dispatch that told us returns: the token is the execution's by then.
        setImmediate(() => {
          app?.service.sendTaskSuccess({ taskToken: task.taskToken, output: answer }).then(
            () => io.err(`answered ${task.stateName} with --answer\n`),
            (e: unknown) => io.err(`could not answer ${task.stateName}: ${e instanceof Error ? e.message : String(e)}\n`),
          );
        });
        return;
      }
      // The API on loopback while the execution waits, so the printed command can answer it.
      const composed = app!;
      server ??= startStepwrightServer({ composed: { app: composed, runtime }, port, dataDir: opts.dataDir ?? temporary, logLevel: false });
      server.then(
        (s) => io.err(waitingMessage(task, s.url)),
        (e: unknown) => io.err(`${task.stateName} waits for its task token, and the API to answer it could not start: ${startFailure(e, port)}${(e as { code?: unknown }).code === 'EADDRINUSE' ? ', or answer it with --answer JSON' : ''}\n`),
      );
    };
    app = await createApp({
      dataDir: opts.dataDir ?? temporary,
      // Nothing is kept without --data-dir: no reason to wait for the disk.
      ...(temporary !== undefined ? { synchronous: 'OFF' as const } : {}),
      functions: runtime,
      aws,
      region: REGION,
      accountId: ACCOUNT_ID,
      wrapResources: (router) => watchWaitingTasks(router, waiting),
      ...(httpConnections !== undefined ? { httpConnections } : {}),
      ...(options.resources !== undefined ? { resources: options.resources } : {}),
      ...mocks,
    });
    if (sam !== undefined && chosen !== undefined) {
      // The template's other machines, for nested executions; the chosen one is run below.
      await registerSamStateMachines(app.service, { ...sam, stateMachines: sam.stateMachines.filter((m) => m !== chosen) }, {
        region: REGION,
        accountId: ACCOUNT_ID,
        roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/StepwrightExecutionRole`,
        onError: (place, e) => io.err(`${place}: ${describeFailure(e)} (not available to nested executions)\n`),
      });
    }
    const definitionsDir = opts.definitionsDir ?? (sam === undefined ? projectDefinitionsDir(file) : undefined);
    const testCase = opts.testCase === undefined ? undefined : { name: opts.testCase, machineName: mockedMachineName(mocks.mockConfig, opts.testCase) };
    const outcome = await runOnApp(app, file, chosen?.name, parsed.value, inputText, opts.name, definitionsDir, io, testCase);
    if (opts.history) {
      const document = {
        executionArn: outcome.executionArn,
        status: outcome.status,
        ...(outcome.output !== undefined ? { output: JSON.parse(outcome.output) as Json } : {}),
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
        events: outcome.events,
      };
      io.out(`${JSON.stringify(document, null, 2)}\n`);
    } else if (outcome.status === 'SUCCEEDED') {
      io.out(`${JSON.stringify(JSON.parse(outcome.output ?? 'null') as Json, null, 2)}\n`);
    }
    if (outcome.status === 'SUCCEEDED') return 0;
    io.err(`${outcome.status}${outcome.error !== undefined ? `: ${outcome.error}` : ''}${outcome.cause !== undefined ? `\n${outcome.cause}` : ''}\n`);
    return 1;
  } catch (e) {
    if (e instanceof InvalidDefinitionError) {
      for (const d of e.diagnostics) io.err(`${file}:${d.path}: ${d.code} ${d.message}\n`);
      return 1;
    }
    if (e instanceof StoreError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    if (e instanceof ServiceError) {
      io.err(`${e.code}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InvalidExecutionInputError) {
      io.err(`${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await server?.then((s) => s.close()).catch(() => undefined);
    await app?.close();
    await runtime.close();
    stopPrinting();
    if (temporary !== undefined) fs.rmSync(temporary, { recursive: true, force: true });
  }
}

/**
 * The name `run --test-case` gives its machine: the mock configuration's only machine with that
 * test case, so that the file's name need not match it (else the file's name, which must).
 */
function mockedMachineName(config: MockConfig | undefined, testCase: string): string | undefined {
  const machines = [...(config?.stateMachines ?? new Map<string, ReadonlyMap<string, unknown>>())].filter(([, cases]) => cases.has(testCase)).map(([name]) => name);
  return machines.length === 1 ? machines[0] : undefined;
}

/** What the person running the command can paste to answer a waiting task. */
function waitingMessage(task: WaitingTask, url: string): string {
  const env = `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=${REGION}`;
  if (task.kind === 'activity') {
    return (
      `${task.stateName} waits for a worker of activity ${task.resource}. The API serves on ${url} until the execution ends; a worker polls with:\n` +
      `  ${env} aws stepfunctions get-activity-task --endpoint-url ${url} --activity-arn ${task.resource}\n` +
      `and answers with send-task-success --task-token (the token the poll returned) --task-output JSON.\n`
    );
  }
  return (
    `${task.stateName} waits for its task token:\n  ${task.taskToken}\n` +
    `Answer it from another shell (the API serves on ${url} until the execution ends):\n` +
    `  ${env} aws stepfunctions send-task-success --endpoint-url ${url} --task-token '${task.taskToken}' --task-output '{}'\n`
  );
}

/**
 * The execution on the app: the project's state machines first (nested executions start them by
 * ARN), the activities the definition names, then the machine itself, stored under the file's
 * name (updated when the file changed). With --data-dir, running the same command with the same
 * --name again picks the execution up where it was.
 */
async function runOnApp(
  app: App,
  file: string,
  samName: string | undefined,
  definition: unknown,
  inputText: string,
  name: string | undefined,
  definitionsDir: string | undefined,
  io: CliIO,
  testCase?: { readonly name: string; readonly machineName?: string },
): Promise<RunOutcome> {
  const sw = app.service;
  if (definitionsDir !== undefined) {
    await syncDefinitions(sw, path.resolve(definitionsDir), {
      region: REGION,
      accountId: ACCOUNT_ID,
      roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/StepwrightExecutionRole`,
      onError: (f, e) => {
        if (path.resolve(f) !== path.resolve(file)) io.err(`${f}: ${e instanceof Error ? e.message : String(e)} (not available to nested executions)\n`);
      },
    });
  }
  for (const arn of activityArnsIn(definition)) {
    const activity = parseResourceArn(arn);
    if (activity.kind === 'activity' && activity.region === REGION && activity.accountId === ACCOUNT_ID) await sw.createActivity({ name: activity.name });
  }
  const machineName = testCase?.machineName ?? samName ?? (path.basename(file).replace(/\.(json|ya?ml|asl)$/i, '').replace(/\.asl$/i, '').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80) || 'StateMachine');
  let stateMachineArn: string;
  try {
    ({ stateMachineArn } = await sw.createStateMachine({ name: machineName, definition: definition as object }));
  } catch (e) {
    if (!(e instanceof ServiceError && e.code === 'StateMachineAlreadyExists' && e.resourceArn !== undefined)) throw e;
    stateMachineArn = e.resourceArn;
    await sw.updateStateMachine({ stateMachineArn, definition: definition as object });
  }
  const { executionArn } = await sw.startExecution({ stateMachineArn: testCase === undefined ? stateMachineArn : `${stateMachineArn}#${testCase.name}`, input: inputText, name });
  const d = await sw.awaitExecution(executionArn);
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sw.getExecutionHistory({ executionArn, nextToken, maxResults: 1000 });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return { executionArn, status: d.status, output: d.output, error: d.error, cause: d.cause, events };
}
