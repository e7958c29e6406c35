import { describe, expect, it } from 'vitest';
import { isAwsPartition, isPollableActivity, parseResourceArn, patternEnding } from '../../src/language/resource-arn.js';

describe('parseResourceArn', () => {
  it('parses a Lambda function ARN with and without a qualifier', () => {
    expect(parseResourceArn('arn:aws:lambda:us-east-1:123456789012:function:f')).toEqual({
      kind: 'lambdaFunction',
      resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      pattern: 'requestResponse',
      functionName: 'f',
    });
    expect(parseResourceArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:f:$LATEST')).toMatchObject({ kind: 'lambdaFunction', partition: 'aws-cn', functionName: 'f', qualifier: '$LATEST' });
  });

  it('keeps a function ARN whose function part is not NAME[:QUALIFIER] a Lambda function, without a name', () => {
    for (const r of ['arn:aws:lambda:us-east-1:123456789012:function:', 'arn:aws:lambda:us-east-1:123456789012:function:a:b:c', 'arn:aws:lambda:us-east-1:123456789012:function:a:']) {
      const arn = parseResourceArn(r);
      expect(arn.kind).toBe('lambdaFunction');
      expect(arn).not.toHaveProperty('functionName');
    }
  });

  it('parses an activity ARN; only one CreateActivity could make is pollable', () => {
    const arn = parseResourceArn('arn:aws:states:us-east-1:123456789012:activity:work');
    expect(arn).toMatchObject({ kind: 'activity', name: 'work', region: 'us-east-1', accountId: '123456789012' });
    expect(isPollableActivity(arn)).toBe(true);
    for (const r of ['arn:aws:states:::activity:work', 'arn:other:states:us-east-1:123456789012:activity:work', 'arn:aws:states:us-east-1:1234:activity:work', 'arn:aws:states:us-east-1:123456789012:activity:a:b']) {
      expect(parseResourceArn(r).kind).toBe('activity');
      expect(isPollableActivity(parseResourceArn(r))).toBe(false);
    }
    // Nothing after `activity:` is no activity.
    expect(parseResourceArn('arn:aws:states:us-east-1:123456789012:activity:')).toMatchObject({ kind: 'service', service: 'activity', action: '' });
  });

  it('parses an optimized integration with each pattern', () => {
    expect(parseResourceArn('arn:aws:states:::lambda:invoke')).toMatchObject({ kind: 'service', service: 'lambda', action: 'invoke', pattern: 'requestResponse', region: '', accountId: '' });
    expect(parseResourceArn('arn:aws:states:::states:startExecution.sync')).toMatchObject({ kind: 'service', service: 'states', action: 'startExecution', pattern: 'sync' });
    expect(parseResourceArn('arn:aws:states:::states:startExecution.sync:2')).toMatchObject({ kind: 'service', service: 'states', action: 'startExecution', pattern: 'sync:2' });
    expect(parseResourceArn('arn:aws:states:::lambda:invoke.waitForTaskToken')).toMatchObject({ kind: 'service', service: 'lambda', action: 'invoke', pattern: 'waitForTaskToken' });
    expect(parseResourceArn('arn:aws:states:::batch:submitJob.sync:3')).toMatchObject({ action: 'submitJob', pattern: 'sync:3' });
  });

  it('parses an AWS SDK integration', () => {
    expect(parseResourceArn('arn:aws:states:::aws-sdk:s3:getObject')).toMatchObject({ kind: 'awsSdk', service: 's3', action: 'getObject', pattern: 'requestResponse' });
    expect(parseResourceArn('arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken')).toMatchObject({ kind: 'awsSdk', service: 'sqs', action: 'sendMessage', pattern: 'waitForTaskToken' });
    // Without an action it is a service named aws-sdk, as AWS names it in history events.
    expect(parseResourceArn('arn:aws:states:::aws-sdk:s3')).toMatchObject({ kind: 'service', service: 'aws-sdk', action: 's3' });
  });

  it('reads the pattern of any resource, names keeping their ending where AWS has no patterns', () => {
    expect(parseResourceArn('arn:aws:lambda:us-east-1:123456789012:function:f.waitForTaskToken')).toMatchObject({ kind: 'lambdaFunction', functionName: 'f.waitForTaskToken', pattern: 'waitForTaskToken' });
    expect(parseResourceArn('arn:aws:states:us-east-1:123456789012:activity:a.sync')).toMatchObject({ kind: 'activity', name: 'a.sync', pattern: 'sync' });
    expect(parseResourceArn('not an arn.waitForTaskToken')).toEqual({ kind: 'unknown', resource: 'not an arn.waitForTaskToken', pattern: 'waitForTaskToken' });
  });

  it('answers unknown for hostile and foreign strings, quickly', () => {
    const hostile = [
      '',
      'arn',
      'arn:aws:lambda',
      'arn:aws:sqs:us-east-1:123456789012:queue',
      'arn::states:::lambda:invoke',
      ':'.repeat(100_000),
      `arn:aws:lambda:${'a'.repeat(100_000)}`,
      `arn:aws:states:${':'.repeat(100_000)}`,
      '__proto__',
      'arn:aws:states:::constructor:prototype',
    ];
    for (const r of hostile) {
      const arn = parseResourceArn(r);
      expect(['unknown', 'service']).toContain(arn.kind);
      expect(arn.resource).toBe(r);
    }
    expect(parseResourceArn('arn:aws:sqs:us-east-1:123456789012:queue').kind).toBe('unknown');
    expect(parseResourceArn('arn:aws:states:::constructor:prototype')).toMatchObject({ kind: 'service', service: 'constructor', action: 'prototype' });
    expect(Object.getPrototypeOf(parseResourceArn('__proto__'))).toBe(Object.prototype);
  });
});

describe('the helpers', () => {
  it('isAwsPartition', () => {
    expect(['aws', 'aws-cn', 'aws-us-gov'].map(isAwsPartition)).toEqual([true, true, true]);
    expect(['azure', 'AWS', ''].map(isAwsPartition)).toEqual([false, false, false]);
  });

  it('patternEnding gives back the text the pattern came from', () => {
    for (const r of ['arn:aws:states:::lambda:invoke', 'arn:aws:states:::states:startExecution.sync', 'arn:aws:states:::states:startExecution.sync:2', 'arn:aws:states:::sns:publish.waitForTaskToken']) {
      const arn = parseResourceArn(r);
      if (arn.kind !== 'service') throw new Error(r);
      expect(`arn:aws:states:::${arn.service}:${arn.action}${patternEnding(arn.pattern)}`).toBe(r);
    }
  });
});
