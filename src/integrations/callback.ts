import { parseResourceArn, type ResourceArn } from '../language/resource-arn.js';
import { unknownResource, type Integration, type TaskResult } from './contract.js';

const WAIT_FOR_TOKEN = '.waitForTaskToken';

/** Lambda's resources, whichever form: a base of these that nothing serves is an unknown resource. */
const isLambdaResource = (arn: ResourceArn): boolean => arn.kind === 'lambdaFunction' || ((arn.kind === 'service' || arn.kind === 'awsSdk') && arn.service === 'lambda');

/**
 * `.waitForTaskToken` around the underlying integrations: the underlying call is made (or, for a
 * service we do not run, taken as sent), its response recorded as TaskSubmitted, and the task then
 * waits for SendTaskSuccess/Failure with the token from `$$.Task.Token`.
 */
export function createCallbackIntegration(underlying: readonly Integration[]): Integration {
  return {
    serves: (arn) => arn.pattern === 'waitForTaskToken',
    async invoke(invocation, progress): Promise<TaskResult> {
      const resource = invocation.resource.slice(0, -WAIT_FOR_TOKEN.length);
      const arn = parseResourceArn(resource);
      const integration = underlying.find((i) => i.serves(arn));
      if (integration === undefined) return isLambdaResource(arn) ? unknownResource(resource) : { ok: true, output: null };
      // The message goes out through the underlying integration; the result comes with the token.
      // AWS records the underlying call's response as TaskSubmitted (callback/test_callback.py).
      const sent = await integration.invoke({ ...invocation, resource, arn });
      if (!sent.ok) return sent;
      progress?.submitted(sent.output);
      return { ok: true, output: null };
    },
  };
}
