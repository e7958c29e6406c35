import { describe, expect, it } from 'vitest';
import { COMPILED_STATE_FIELDS, compileMachine } from '../../src/engine/compile.js';
import type { JsonObject } from '../../src/language/json.js';

const everyType: JsonObject = {
  StartAt: 'P',
  States: {
    P: { Type: 'Pass', Parameters: { 'a.$': '$.a' }, Next: 'T' },
    T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'C' },
    C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'W' }], Default: 'F' },
    W: { Type: 'Wait', Seconds: 1, Next: 'Par' },
    Par: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }], Next: 'M' },
    M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Next: 'S' },
    S: { Type: 'Succeed' },
    F: { Type: 'Fail', Error: 'E', Cause: 'c' },
  },
};

describe('compileMachine', () => {
  it('gives every compiled state the same fields in the same order (one hidden class for the interpreter)', () => {
    const machine = compileMachine(everyType);
    const states = [...machine.scopes.values()].flatMap((scope) => [...scope.states.values()]);
    expect(new Set(states.map((s) => s.type))).toEqual(new Set(['Pass', 'Task', 'Choice', 'Wait', 'Parallel', 'Map', 'Succeed', 'Fail']));
    for (const state of states) expect(Object.keys(state)).toEqual(COMPILED_STATE_FIELDS);
  });

  it('links each state to the one its Next names', () => {
    const states = compileMachine(everyType).scopes.get('')!.states;
    expect(states.get('P')!.following).toBe(states.get('T'));
    expect(states.get('W')!.following).toBe(states.get('Par'));
    expect(states.get('S')!.following).toBeUndefined();
    expect(states.get('P')!.enteredType).toBe('PassStateEntered');
    expect(states.get('M')!.exitedType).toBe('MapStateExited');
  });
});
