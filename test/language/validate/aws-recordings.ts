/** Loads the recorded AWS verdicts (test/conformance) for the validator's tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateMachineType } from '../../../src/language/validate/index.js';
import { RECORDED_CASES_DIR, RECORDED_VALIDATION_DIR } from '../../conformance/cases.js';


export interface ExpectedDiagnostic {
  readonly code: string;
  readonly location: string;
  readonly message: string;
}

export interface ValidationRecording {
  readonly file: string;
  readonly id: string;
  readonly definitionText: string;
  readonly type: StateMachineType;
  /** undefined: AWS accepted the definition. */
  readonly expected: readonly ExpectedDiagnostic[] | undefined;
  /** CreateStateMachine's InvalidDefinition message, when that is what was recorded. */
  readonly createMessage?: string;
  /**
   * The recorded message is LocalStack's own Python `ValueError` text (the test_map_state_label_*
   * recordings), not AWS's: only AWS's code and location (SCHEMA_VALIDATION_FAILED at the Label)
   * are compared, never that text.
   */
  readonly localStackText?: boolean;
}

/**
 * Placeholders the recorder left in definitions, standing for resources the test created on AWS.
 * An activity ARN is what the activity placeholder stood for.
 */
export function resolvePlaceholders(text: string): string {
  return text
    .replaceAll("<STUB:create_activity()['activityArn']>", 'arn:aws:states:us-east-1:111111111111:activity:recorded-activity')
    .replaceAll('<STUB:localstack.testing.config.TEST_AWS_REGION_NAME>', 'us-east-1');
}

/** AWS's verdict on a bad Map Label: SCHEMA_VALIDATION_FAILED at the Label of the (top-level) Map state. */
function labelDiagnostic(definitionText: string): ExpectedDiagnostic[] {
  const states = (JSON.parse(definitionText) as { States: Record<string, { Label?: unknown }> }).States;
  const name = Object.keys(states).find((n) => states[n].Label !== undefined) ?? '';
  return [{ code: 'SCHEMA_VALIDATION_FAILED', location: `/States/${name}/Label`, message: '' }];
}

/** "Invalid State Machine Definition: 'CODE: message at /where'" → its one diagnostic. */
function parseCreateMessage(message: string): ExpectedDiagnostic[] | undefined {
  const m = /^Invalid State Machine Definition: '([A-Z_]+): (.*) at (\/[^']*|null)'$/s.exec(message);
  if (m) return [{ code: m[1], message: m[2], location: m[3] === 'null' ? '' : m[3] }];
  return undefined;
}

export function loadValidationRecordings(): ValidationRecording[] {
  const dir = RECORDED_VALIDATION_DIR;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        id: string;
        definitionText: string;
        expected: { api: string; message?: string; response?: { result: string; diagnostics: ExpectedDiagnostic[] } };
      };
      // The recordings do not carry the machine type; the AWS test's name does.
      const type: StateMachineType = /express/i.test(raw.id) ? 'EXPRESS' : 'STANDARD';
      const { expected } = raw;
      const base = { file, id: raw.id, definitionText: resolvePlaceholders(raw.definitionText), type };
      if (expected.api === 'ValidateStateMachineDefinition') {
        const response = expected.response;
        const diags = response && response.result === 'FAIL' ? response.diagnostics : undefined;
        return { ...base, expected: diags };
      }
      const message = expected.message ?? '';
      if (message.startsWith('Error=ValueError')) return { ...base, expected: labelDiagnostic(base.definitionText), localStackText: true };
      return { ...base, expected: parseCreateMessage(message), createMessage: message };
    });
}

export function loadCaseDefinitions(): { file: string; definitionText: string }[] {
  const dir = RECORDED_CASES_DIR;
  const out: { file: string; definitionText: string }[] = [];
  for (const category of readdirSync(dir).sort()) {
    const sub = join(dir, category);
    for (const file of readdirSync(sub).sort()) {
      if (!file.endsWith('.json')) continue;
      const raw = JSON.parse(readFileSync(join(sub, file), 'utf8')) as { definition: unknown };
      out.push({ file: `${category}/${file}`, definitionText: resolvePlaceholders(JSON.stringify(raw.definition)) });
    }
  }
  return out;
}
