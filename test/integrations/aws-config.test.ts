import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwsConfigError, EMULATOR_CREDENTIALS, endpointOf, parseAwsEndpoint, parseAwsEndpointList, resolveAwsConfig } from '../../src/integrations/aws/config.js';

function projectFile(doc: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-aws-config-'));
  const file = path.join(dir, 'aws.json');
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

describe('AWS endpoint configuration', () => {
  it('parses SERVICE=URL, taking the optimized names events and states as eventbridge and sfn', () => {
    expect(parseAwsEndpoint('sns=http://127.0.0.1:4566/')).toEqual(['sns', { url: 'http://127.0.0.1:4566' }]);
    expect(parseAwsEndpoint('events=http://localhost:1')[0]).toBe('eventbridge');
    expect(parseAwsEndpoint('states=http://localhost:1')[0]).toBe('sfn');
    expect([...parseAwsEndpointList('sqs=http://a:1, *=http://b:2').keys()]).toEqual(['sqs', '*']);
  });

  it('refuses an unknown service, a missing URL and a URL that is not http(s), naming the source', () => {
    expect(() => parseAwsEndpoint('nosuch=http://x')).toThrow(/--aws-endpoint: unknown service 'nosuch'/);
    expect(() => parseAwsEndpoint('sns')).toThrow(AwsConfigError);
    expect(() => parseAwsEndpoint('sns=ftp://x')).toThrow(/not an http\(s\) URL/);
    expect(() => parseAwsEndpointList('sns=nope', 'STEPWRIGHT_AWS_ENDPOINTS')).toThrow(/^STEPWRIGHT_AWS_ENDPOINTS: 'nope' is not a URL/);
  });

  it('lets flags win over the variable and the variable over the project file', () => {
    const file = projectFile({ region: 'eu-west-1', endpoints: { sns: 'http://file:1', sqs: 'http://file:2', dynamodb: { url: 'http://file:3', region: 'eu-central-1' } } });
    const config = resolveAwsConfig({ file, env: 'sqs=http://env:2,s3=http://env:4', flags: ['s3=http://flag:4'] });
    expect(config.region).toBe('eu-west-1');
    expect(config.endpoints.get('sns')?.url).toBe('http://file:1');
    expect(config.endpoints.get('sqs')?.url).toBe('http://env:2');
    expect(config.endpoints.get('s3')?.url).toBe('http://flag:4');
    expect(config.endpoints.get('dynamodb')).toEqual({ url: 'http://file:3', region: 'eu-central-1' });
  });

  it('names the key path of a mistake in the project file', () => {
    expect(() => resolveAwsConfig({ file: projectFile({ endpoints: { sns: { url: 5 } } }) })).toThrow(/aws\.json\.endpoints\.sns\.url: expected an http\(s\) URL/);
    expect(() => resolveAwsConfig({ file: projectFile({ endpoint: {} }) })).toThrow(/unknown key 'endpoint'/);
    expect(() => resolveAwsConfig({ file: projectFile('{not json') })).toThrow(/not JSON/);
    expect(() => resolveAwsConfig({ file: projectFile({ credentials: { accessKeyId: 'a' } }) })).toThrow(/credentials: expected/);
  });

  it('reads no configuration from a project without aws.json', () => {
    expect(resolveAwsConfig({ file: path.join(os.tmpdir(), 'no-such-dir-stepwright', 'aws.json') }).endpoints.size).toBe(0);
  });

  it('gives configured endpoints dummy credentials only when the AWS environment has none', () => {
    expect(resolveAwsConfig({ flags: ['sns=http://x:1'], standardCredentials: false }).endpoints.get('sns')?.credentials).toEqual(EMULATOR_CREDENTIALS);
    expect(resolveAwsConfig({ flags: ['sns=http://x:1'], standardCredentials: true }).endpoints.get('sns')?.credentials).toBeUndefined();
  });

  it("sends Step Functions and Lambda calls to Stepwright's own URL unless configured, and other services to AWS", () => {
    const config = resolveAwsConfig({ flags: ['lambda=http://emulator:1'] });
    expect(endpointOf(config, 'sfn', 'http://127.0.0.1:8083')?.url).toBe('http://127.0.0.1:8083');
    expect(endpointOf(config, 'lambda', 'http://127.0.0.1:8083')?.url).toBe('http://emulator:1');
    expect(endpointOf(config, 'sns', 'http://127.0.0.1:8083')).toBeUndefined();
    expect(endpointOf(resolveAwsConfig({ flags: ['*=http://all:1'] }), 'sfn', 'http://127.0.0.1:8083')?.url).toBe('http://all:1');
  });
});
