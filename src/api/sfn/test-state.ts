import type { TaskMock } from '../../integrations/mock.js';
import { isJsonObject, type Json } from '../../language/json.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';

/** TestState: one state run on its own (the service runs it; the answer is already AWS's shape). */
export function testStateOperations(b: SfnBackend): Record<string, Operation> {
  return awsErrors({
    async TestState(input) {
      return b.service.testState({
        definition: input.definition as string,
        stateName: str(input.stateName),
        input: str(input.input),
        inspectionLevel: str(input.inspectionLevel),
        mock: isJsonObject(input.mock as Json) ? (input.mock as TaskMock) : undefined,
      });
    },
  });
}
