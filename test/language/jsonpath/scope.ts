import type { Json } from '../../../src/language/json.js';
import type { Scope } from '../../../src/language/scope.js';

export function scopeOf(input: Json, context: Json = {}, variables: Record<string, Json> = {}): Scope {
  return {
    input,
    context,
    variable: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined),
    random: () => 0.5,
    uuid: () => '00000000-0000-4000-8000-000000000000',
  };
}
