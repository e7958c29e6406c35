import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseDefinitionText } from '../../language/parse.js';
import type { Json } from '../../language/json.js';
import { InvalidDefinitionError, InvalidExecutionInputError, runExecution } from '../../engine/index.js';
import type { TaskResources } from '../../engine/index.js';

export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const stdio: CliIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export interface RunCommandOptions {
  readonly io?: CliIO;
  /** Serves Task states; until the functions issue lands, `run` has none and Task states fail. */
  readonly resources?: TaskResources;
}

/**
 * `stepwright run DEFINITION [--input JSON|@file] [--history] [--name N]`: one execution in memory.
 * Prints the output (or error and cause); exit code 0 when it SUCCEEDED, 1 otherwise, 2 on bad usage.
 */
export async function runRun(argv: readonly string[], options: RunCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = new Command('stepwright run')
    .argument('<definition>', 'state machine definition file (JSON or YAML)')
    .option('-i, --input <json>', 'execution input as JSON text, or @file to read it from a file', '{}')
    .option('--history', 'print the execution history events as JSON')
    .option('-n, --name <name>', 'execution name')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  try {
    program.parse(argv as string[], { from: 'user' });
  } catch {
    return 2;
  }
  const file = program.args[0];
  const opts = program.opts<{ input: string; history?: boolean; name?: string }>();
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
  try {
    const result = await runExecution(parsed.value, { inputText, name: opts.name, resources: options.resources });
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
    if (e instanceof InvalidExecutionInputError) {
      io.err(`${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
