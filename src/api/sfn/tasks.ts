import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';

export function taskOperations(b: SfnBackend): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async SendTaskSuccess(input) {
      await s.sendTaskSuccess({ taskToken: input.taskToken as string, output: input.output as string });
      return {};
    },

    async SendTaskFailure(input) {
      await s.sendTaskFailure({ taskToken: input.taskToken as string, error: str(input.error), cause: str(input.cause) });
      return {};
    },

    async SendTaskHeartbeat(input) {
      await s.sendTaskHeartbeat({ taskToken: input.taskToken as string });
      return {};
    },
  });
}
