import type { Invocation } from './invocation.js';

/** States.UUID(): a v4 UUID from the scope, so that runs can be replayed. */
export function uuid(call: Invocation): string {
  return call.scope.uuid();
}
