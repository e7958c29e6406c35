import { describe, expect, it } from 'vitest';
import { server, serveForTests } from './fixtures.js';

serveForTests();

// Every operation of the Step Functions model is served now (UpdateMapRun was the last); a target
// outside the model still gets AWS's UnknownOperationException, naming what was asked.
describe('Step Functions operations Stepwright does not know', () => {
  it('answer 400 UnknownOperationException, naming the operation', async () => {
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.NoSuchOperation' },
      body: '{}',
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ __type: expect.stringContaining('UnknownOperationException'), message: expect.stringContaining('NoSuchOperation') });
  });
});
