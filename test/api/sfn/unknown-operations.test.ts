import { SFNServiceException, UpdateMapRunCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ARN, client, serveForTests } from './fixtures.js';

serveForTests();

describe('Step Functions operations of the model that Stepwright does not implement', () => {
  it('reach @aws-sdk/client-sfn as an SFNServiceException named UnknownOperationException, naming the operation', async () => {
    const mapRunArn = `${ARN}:mapRun:M/map:run-1`;
    const calls = [
      ['UpdateMapRun', () => client.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 1 }))],
    ] as const;
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(SFNServiceException);
      expect(error).toMatchObject({ name: 'UnknownOperationException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `${name} is not supported yet` });
    }
  });
});
