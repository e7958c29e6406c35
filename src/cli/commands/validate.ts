import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { Diagnostic } from '../../language/definition.js';
import { validateDefinition, type StateMachineType } from '../../language/validate/index.js';

export interface ValidateIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const stdio: ValidateIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** AWS's ValidateStateMachineDefinition returns at most 100 diagnostics (its maxResults default and maximum). */
const MAX_RESULTS = 100;

/** The response shape of AWS's ValidateStateMachineDefinition. */
export interface ValidateResponse {
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: readonly { severity: string; code: string; message: string; location?: string }[];
  readonly truncated: boolean;
}

export function validateResponse(diagnostics: readonly Diagnostic[], maxResults = MAX_RESULTS): ValidateResponse {
  const limit = maxResults <= 0 || maxResults > MAX_RESULTS ? MAX_RESULTS : maxResults;
  return {
    result: diagnostics.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK',
    diagnostics: diagnostics.slice(0, limit).map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      // AWS omits the location where it has none (MISSING_END_STATE, INVALID_JSON_DESCRIPTION).
      ...(d.path === '' ? {} : { location: d.path }),
    })),
    truncated: diagnostics.length > limit,
  };
}

/**
 * `stepwright validate FILE… [--format text|json] [--type STANDARD|EXPRESS]`: validates definitions
 * (JSON or YAML) as AWS would. Exit code 0 when every file is clean, 1 when any has an ERROR,
 * 2 on bad usage.
 */
export async function runValidate(argv: readonly string[], io: ValidateIO = stdio): Promise<number> {
  const program = new Command('stepwright validate')
    .argument('<files...>', 'state machine definition files (JSON or YAML)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('-t, --type <type>', 'state machine type').choices(['STANDARD', 'EXPRESS']).default('STANDARD'))
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  try {
    program.parse(argv as string[], { from: 'user' });
  } catch {
    return 2;
  }
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
    const diagnostics = validateDefinition(text, { type, allowYaml: true });
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
