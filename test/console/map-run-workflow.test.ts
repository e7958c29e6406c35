import { describe, expect, it } from 'vitest';
import { childWorkflowOf } from '../../console/src/pages/map-run-workflow.js';

const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } };

describe('childWorkflowOf', () => {
  it('finds the ItemProcessor of the Map with the label, nested in branches and processors', () => {
    const definition = {
      StartAt: 'Branch',
      States: {
        Branch: { Type: 'Parallel', Branches: [{ StartAt: 'Outer', States: { Outer: { Type: 'Map', ItemProcessor: { StartAt: 'Fan', States: { Fan: { Type: 'Map', Label: 'Items', ItemProcessor: processor, End: true } } }, End: true } } }], End: true },
      },
    };
    expect(childWorkflowOf(definition, 'Items')).toBe(processor);
  });

  it('takes a Map without a Label by its name, and keeps the definition for a top-level execution or an unknown label', () => {
    const definition = { StartAt: 'Fan', States: { Fan: { Type: 'Map', Iterator: processor, End: true } } };
    expect(childWorkflowOf(definition, 'Fan')).toBe(processor);
    expect(childWorkflowOf(definition, undefined)).toBe(definition);
    expect(childWorkflowOf(definition, 'Other')).toBe(definition);
  });
});
