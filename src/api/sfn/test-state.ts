import type { TaskMock } from '../../integrations/mock.js';
import { isJsonObject, type Json, type JsonObject } from '../../language/json.js';
import type { TestStateConfiguration } from '../../service/index.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';

const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/** `mock` as the wire carries it: only the members of AWS's MockInput, with their types. */
function mockOf(v: unknown): TaskMock | undefined {
  if (!isJsonObject(v as Json)) return undefined;
  const m = v as JsonObject;
  const e = isJsonObject(m.errorOutput ?? null) ? (m.errorOutput as JsonObject) : undefined;
  return {
    ...(str(m.result) !== undefined ? { result: str(m.result) } : {}),
    ...(e !== undefined ? { errorOutput: { ...(str(e.error) !== undefined ? { error: str(e.error) } : {}), ...(str(e.cause) !== undefined ? { cause: str(e.cause) } : {}) } } : {}),
    ...(str(m.fieldValidationMode) !== undefined ? { fieldValidationMode: str(m.fieldValidationMode) } : {}),
  };
}

function configurationOf(v: unknown): TestStateConfiguration | undefined {
  if (!isJsonObject(v as Json)) return undefined;
  const c = v as JsonObject;
  return {
    retrierRetryCount: int(c.retrierRetryCount),
    errorCausedByState: str(c.errorCausedByState),
    mapIterationFailureCount: int(c.mapIterationFailureCount),
    mapItemReaderData: str(c.mapItemReaderData),
  };
}

/** TestState: one state run on its own (the service runs it; the answer is already AWS's shape). */
export function testStateOperations(b: SfnBackend): Record<string, Operation> {
  return awsErrors({
    async TestState(input) {
      return b.service.testState({
        definition: input.definition as string,
        stateName: str(input.stateName),
        roleArn: str(input.roleArn),
        input: str(input.input),
        inspectionLevel: str(input.inspectionLevel),
        revealSecrets: typeof input.revealSecrets === 'boolean' ? input.revealSecrets : undefined,
        variables: str(input.variables),
        mock: mockOf(input.mock),
        context: str(input.context),
        stateConfiguration: configurationOf(input.stateConfiguration),
      });
    },
  });
}
