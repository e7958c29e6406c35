/**
 * The intrinsic functions AWS knows, with the argument counts it accepts. The parser rejects an
 * unknown name or a wrong count before anything runs, as AWS does when it validates a definition.
 */
export interface Arity {
  readonly min: number;
  /** Infinity for the variadic States.Array and States.Format. */
  readonly max: number;
}

const exactly = (n: number): Arity => ({ min: n, max: n });

export const INTRINSIC_ARITY: Readonly<Record<string, Arity>> = {
  'States.Format': { min: 1, max: Infinity },
  'States.StringToJson': exactly(1),
  'States.JsonToString': exactly(1),
  'States.JsonMerge': exactly(3),
  'States.Array': { min: 0, max: Infinity },
  'States.ArrayPartition': exactly(2),
  'States.ArrayContains': exactly(2),
  'States.ArrayRange': exactly(3),
  'States.ArrayGetItem': exactly(2),
  'States.ArrayLength': exactly(1),
  'States.ArrayUnique': exactly(1),
  'States.Base64Encode': exactly(1),
  'States.Base64Decode': exactly(1),
  'States.Hash': exactly(2),
  'States.MathRandom': { min: 2, max: 3 },
  'States.MathAdd': exactly(2),
  'States.StringSplit': exactly(2),
  'States.UUID': exactly(0),
};

export function isIntrinsicName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(INTRINSIC_ARITY, name);
}
