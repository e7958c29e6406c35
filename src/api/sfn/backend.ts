import { InvalidDefinitionError, InvalidExecutionInputError, type TaskResources } from '../../engine/index.js';
import { StepwrightApiError, type Stepwright } from '../../stepwright.js';
import type { ActivityQueue } from '../../integrations/activity-queue.js';
import type { Identity } from './arns.js';
import { SfnApiError } from './errors.js';
import type { Operation, SfnContext } from './operations.js';

/** What the store-backed operations work on. */
export interface SfnBackend extends Identity {
  readonly stepwright: Stepwright;
  readonly activities: ActivityQueue;
  readonly now: () => number;
  /** The Task resources executions use (TestState calls them too, unless mocked). */
  readonly resources?: TaskResources;
}

export type OperationGroup = Record<string, (input: Record<string, unknown>, ctx: SfnContext) => Promise<unknown>>;

/** Turns errors of the layers below into AWS's error shape (programmer errors stay 500s). */
export function awsErrors(group: OperationGroup): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  for (const [name, op] of Object.entries(group)) {
    out[name] = async (input, ctx) => {
      try {
        return await op(input, ctx);
      } catch (e) {
        if (e instanceof StepwrightApiError) throw new SfnApiError(e.code, e.message);
        if (e instanceof InvalidExecutionInputError) throw new SfnApiError(e.code, e.message);
        if (e instanceof InvalidDefinitionError) throw new SfnApiError('InvalidDefinition', e.message);
        throw e;
      }
    };
  }
  return out;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
