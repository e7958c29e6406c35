/**
 * Task tokens the engine issues (`$$.Task.Token`): opaque to clients, as AWS's are, but
 * recognisable, so SendTask* can tell a token of a task that is over (TaskTimedOut) from one that was
 * never issued (InvalidToken). Not a secret: knowing a token's shape gives nothing but that answer.
 */
const PREFIX = 'sw1:';

export function encodeTaskToken(executionArn: string, unique: string): string {
  return Buffer.from(`${PREFIX}${executionArn}:${unique}`, 'utf8').toString('base64url');
}

/** The execution a token was issued for, or undefined when it is not one of ours. */
export function taskTokenExecution(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{8,1024}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const m = /^(arn:[^:]+:states:[^:]*:\d{12}:execution:[^:]+:[^:]+):[^:]+$/.exec(text.slice(PREFIX.length));
  return m?.[1];
}
