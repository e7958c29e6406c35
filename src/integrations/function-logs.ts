import type { FunctionRuntime } from '../functions/index.js';
import type { Integration, TaskInvocation, TaskProgress, TaskResult } from './contract.js';

/**
 * An integration whose function invocations are logged with the execution and state that made
 * them. The legacy `arn:aws:lambda:…:function:NAME` form returns only the function's payload (no
 * request id), so this is the one link that serves both Lambda forms; retries and Map iterations of
 * a state are all kept, in order.
 */
export function linkFunctionLogs(integration: Integration, runtime: FunctionRuntime): Integration {
  return {
    serves: (arn) => integration.serves(arn),
    invoke(request: TaskInvocation, progress?: TaskProgress): Promise<TaskResult> {
      return runtime.asCaller({ executionArn: request.executionArn, stateName: request.stateName }, () => integration.invoke(request, progress));
    },
  };
}
