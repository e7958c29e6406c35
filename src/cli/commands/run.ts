import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDefinitionText } from '../../language/parse.js';
import type { Json } from '../../language/json.js';
import { InvalidDefinitionError, InvalidExecutionInputError } from '../../engine/index.js';
import { runExecution } from '../../scheduler/in-memory.js';
import type { HistoryEvent, TaskResources } from '../../engine/index.js';
import { StoreError } from '../../store/index.js';
import { createStepwright, StepwrightApiError } from '../../stepwright.js';
import fs from 'node:fs';
import { FunctionRuntime, loadFunctionsDir } from '../../functions/index.js';
import { createLambdaIntegration } from '../../integrations/lambda.js';
import { createTaskRouter } from '../../integrations/router.js';
import { command, parseArguments, stdio, type CliIO } from '../io.js';

export interface RunCommandOptions {
  readonly io?: CliIO;
  /** Serves Task states instead of the project's functions (tests). */
  readonly resources?: TaskResources;
}

/**
 * The functions folder of the definition's project: `--functions-dir`, else `functions/` beside the
 * definition or beside its `state-machines/` folder (the layout `stepwright server --project` uses).
 */
function projectFunctionsDir(definitionFile: string, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  const dir = path.dirname(path.resolve(definitionFile));
  for (const candidate of [path.join(dir, 'functions'), path.join(dir, '..', 'functions')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate;
  }
  return undefined;
}

/**
 * `stepwright run DEFINITION [--input JSON|@file] [--history] [--name N]`: one execution in memory.
 * Prints the output (or error and cause); exit code 0 when it SUCCEEDED, 1 otherwise, 2 on bad usage.
 */
export async function runRun(argv: readonly string[], options: RunCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = command('stepwright run', io)
    .argument('<definition>', 'state machine definition file (JSON or YAML)')
    .option('-i, --input <json>', 'execution input as JSON text, or @file to read it from a file', '{}')
    .option('--history', 'print the execution history events as JSON')
    .option('-n, --name <name>', 'execution name')
    .option('--data-dir <dir>', 'run durably, stored in this data dir (SQLite), surviving restarts')
    .option('--functions-dir <dir>', 'Lambda functions for Task states (default: the project\'s functions/ folder)');
  if (!parseArguments(program, argv)) return 2;
  const file = program.args[0];
  const opts = program.opts<{ input: string; history?: boolean; name?: string; dataDir?: string; functionsDir?: string }>();
  let definitionText: string;
  let inputText: string;
  try {
    definitionText = await readFile(file, 'utf8');
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
  // Lambda Task states run the project's functions, as `stepwright server` would.
  let runtime: FunctionRuntime | undefined;
  let resources = options.resources;
  const functionsDir = resources === undefined ? projectFunctionsDir(file, opts.functionsDir) : undefined;
  try {
    if (functionsDir !== undefined) {
      runtime = new FunctionRuntime();
      for (const config of loadFunctionsDir(functionsDir)) runtime.register(config);
      resources = createTaskRouter([createLambdaIntegration(runtime)]);
    }
    const result =
      opts.dataDir === undefined
        ? await runExecution(parsed.value, { inputText, name: opts.name, resources })
        : await runDurably(opts.dataDir, file, parsed.value, inputText, opts.name, resources);
    if (opts.history) io.out(`${JSON.stringify(result.events, null, 2)}\n`);
    if (result.status === 'SUCCEEDED') {
      io.out(`${JSON.stringify(JSON.parse(result.output ?? 'null') as Json, null, 2)}\n`);
      return 0;
    }
    io.err(`${result.status}${result.error !== undefined ? `: ${result.error}` : ''}${result.cause !== undefined ? `\n${result.cause}` : ''}\n`);
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
    if (e instanceof StepwrightApiError) {
      io.err(`${e.code}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InvalidExecutionInputError) {
      io.err(`${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await runtime?.close();
  }
}

/**
 * `run --data-dir`: the machine is stored under the definition file's name (updated when the file
 * changed) and the execution is durable: stopping the process and running the same command with
 * the same --name again picks the execution up where it was.
 */
async function runDurably(
  dataDir: string,
  file: string,
  definition: unknown,
  inputText: string,
  name: string | undefined,
  resources: TaskResources | undefined,
): Promise<{ status: string; output?: string; error?: string; cause?: string; events: HistoryEvent[] }> {
  const sw = await createStepwright({ dataDir, resources });
  try {
    const machineName = path.basename(file).replace(/\.(json|ya?ml|asl)$/i, '').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80) || 'StateMachine';
    let stateMachineArn: string;
    try {
      ({ stateMachineArn } = await sw.createStateMachine({ name: machineName, definition: definition as object }));
    } catch (e) {
      if (!(e instanceof StepwrightApiError && e.code === 'StateMachineAlreadyExists' && e.resourceArn !== undefined)) throw e;
      stateMachineArn = e.resourceArn;
      await sw.updateStateMachine({ stateMachineArn, definition: definition as object });
    }
    const { executionArn } = await sw.startExecution({ stateMachineArn, input: inputText, name });
    const d = await sw.awaitExecution(executionArn);
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sw.getExecutionHistory({ executionArn, nextToken, maxResults: 1000 });
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return { status: d.status, output: d.output, error: d.error, cause: d.cause, events };
  } finally {
    await sw.close();
  }
}
