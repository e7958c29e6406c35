import { InvalidDefinitionError } from '../../engine/index.js';
import { ServiceError, type Identity, type Service } from '../../service/index.js';
import { SfnApiError } from './errors.js';
import type { Operation, SfnContext } from './operations.js';

/** What the operations work on: the service, and the region and account ARNs are minted in. */
export interface SfnBackend extends Identity {
  readonly service: Service;
}

export type OperationGroup = Record<string, (input: Record<string, unknown>, ctx: SfnContext) => Promise<unknown>>;

/** The one place the service's refusals become AWS's wire errors (programmer errors stay 500s). */
export function awsErrors(group: OperationGroup): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  for (const [name, op] of Object.entries(group)) {
    out[name] = async (input, ctx) => {
      try {
        return await op(input, ctx);
      } catch (e) {
        if (e instanceof ServiceError) throw new SfnApiError(e.code, e.message);
        if (e instanceof InvalidDefinitionError) throw new SfnApiError('InvalidDefinition', e.message);
        throw e;
      }
    };
  }
  return out;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
