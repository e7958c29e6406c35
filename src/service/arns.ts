import { ServiceError } from './errors.js';

/** Region and account the ARNs are minted in. */
export interface Identity {
  readonly region: string;
  readonly accountId: string;
}

export const stateMachineArnOf = (id: Identity, name: string): string => `arn:aws:states:${id.region}:${id.accountId}:stateMachine:${name}`;
export const activityArnOf = (id: Identity, name: string): string => `arn:aws:states:${id.region}:${id.accountId}:activity:${name}`;

export type ResourceType = 'stateMachine' | 'execution' | 'express' | 'activity' | 'mapRun';

export interface ParsedArn {
  readonly arn: string;
  readonly type: ResourceType;
  /** What follows the resource type, split on ':' (e.g. machine name and execution name). */
  readonly parts: readonly string[];
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):([a-zA-Z]+):(.+)$/;

/**
 * Parses a Step Functions ARN and checks its resource type, with AWS's InvalidArn messages:
 * `Invalid Arn: 'Invalid ARN prefix: …'` and `Invalid Arn: 'Resource type not valid in this context: …'`.
 */
export function parseArn(arn: string, allowed: readonly ResourceType[]): ParsedArn {
  const m = ARN.exec(arn);
  if (m === null) {
    if (!arn.startsWith('arn:')) throw new ServiceError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
    throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn.split(':')[5] ?? ''}'`);
  }
  const type = m[3] as ResourceType;
  if (!allowed.includes(type)) throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${m[3]}'`);
  const parts = m[4].split(':');
  const expected = type === 'stateMachine' ? [1, 2] : type === 'execution' ? [2] : type === 'express' ? [3] : type === 'activity' ? [1] : [2, 3];
  if (!expected.includes(parts.length) || parts.some((p) => p === '')) throw new ServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
  return { arn, type, parts };
}

/** A state machine ARN, possibly qualified by a version number or an alias name. */
export interface MachineRef {
  readonly machineArn: string;
  readonly name: string;
  readonly version?: number;
  readonly alias?: string;
}

export function parseMachineArn(arn: string): MachineRef {
  const p = parseArn(arn, ['stateMachine']);
  const [name, qualifier] = p.parts;
  const machineArn = qualifier === undefined ? arn : arn.slice(0, arn.length - qualifier.length - 1);
  if (qualifier === undefined) return { machineArn, name };
  if (/^\d+$/.test(qualifier)) return { machineArn, name, version: Number(qualifier) };
  return { machineArn, name, alias: qualifier };
}
