/** A chain of Task states with a Choice every ten and a Catch on each: the console's layout workload (bench and test). */
export function chainDefinition(n: number): object {
  const states: Record<string, object> = {};
  for (let i = 0; i < n; i++) {
    const name = `S${i}`;
    if (i % 10 === 5) states[name] = { Type: 'Choice', Choices: [{ Variable: '$.x', NumericGreaterThan: i, Next: `S${i + 1}` }], Default: `S${Math.min(n - 1, i + 2)}` };
    else states[name] = i === n - 1 ? { Type: 'Succeed' } : { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: `S${i + 1}`, Catch: [{ ErrorEquals: ['States.ALL'], Next: `S${n - 1}` }] };
  }
  return { StartAt: 'S0', States: states };
}
