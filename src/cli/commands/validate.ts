import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import { validateDefinition, validateResponse, type StateMachineType } from '../../language/validate/index.js';
import { command, parseArguments, stdio, type CliIO } from '../io.js';


/**
 * `stepwright validate FILE… [--format text|json] [--type STANDARD|EXPRESS]`: validates definitions
 * (JSON, or YAML in files not named .json) as AWS would; `--type EXPRESS` applies Express rules. Exit code 0 when every file is clean, 1 when any has an ERROR,
 * 2 on bad usage.
 */
export async function runValidate(argv: readonly string[], io: CliIO = stdio): Promise<number> {
  const program = command('stepwright validate', io)
    .argument('<files...>', 'state machine definition files (JSON or YAML)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('-t, --type <type>', 'state machine type').choices(['STANDARD', 'EXPRESS']).default('STANDARD'));
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const { format, type } = program.opts<{ format: 'text' | 'json'; type: StateMachineType }>();
  let failed = false;
  for (const file of program.args) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.err(`${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      failed = true;
      continue;
    }
    // A .json file is JSON: text that is not gets AWS's INVALID_JSON_DESCRIPTION, not a YAML reading.
    const diagnostics = validateDefinition(text, { type, allowYaml: !file.toLowerCase().endsWith('.json') });
    if (diagnostics.some((d) => d.severity === 'ERROR')) failed = true;
    if (format === 'json') {
      io.out(`${JSON.stringify(validateResponse(diagnostics))}\n`);
    } else if (diagnostics.length === 0) {
      io.out(`${file}: OK\n`);
    } else {
      for (const d of diagnostics) io.out(`${file}${d.path === '' ? '' : `:${d.path}`}: ${d.code} ${d.message}\n`);
    }
  }
  return failed ? 1 : 0;
}
