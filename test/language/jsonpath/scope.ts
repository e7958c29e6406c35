import type { Json } from '../../../src/language/json.js';
import type { Scope } from '../../../src/language/scope.js';
import { testScope } from '../fixtures.js';

export function scopeOf(input: Json, context: Json = {}, variables: Record<string, Json> = {}): Scope {
  return testScope(input, { context, variables, uuid: '00000000-0000-4000-8000-000000000000' });
}
