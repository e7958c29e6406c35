import { describe, expect, it } from 'vitest';
import { structuredCause } from '../../console/src/components/structured-cause.js';

describe('a failed execution cause, taken apart for the console', () => {
  it("reads a Node function's error: message, type, one stack line per frame", () => {
    const cause = JSON.stringify({ errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'sku')", trace: ['TypeError: Cannot read…', '    at handler (/fn/index.js:3:20)'] });
    expect(structuredCause(cause)).toEqual({ type: 'TypeError', message: "Cannot read properties of undefined (reading 'sku')", stack: ['TypeError: Cannot read…', '    at handler (/fn/index.js:3:20)'], requestId: undefined });
  });

  it("reads a Python function's error, whose frames hold several lines each", () => {
    const cause = JSON.stringify({ errorMessage: 'out of stock', errorType: 'OutOfStock', requestId: 'r-1', stackTrace: ['  File "/fn/app.py", line 4, in lambda_handler\n    raise OutOfStock("out of stock")\n'] });
    expect(structuredCause(cause)).toEqual({ type: 'OutOfStock', message: 'out of stock', requestId: 'r-1', stack: ['  File "/fn/app.py", line 4, in lambda_handler', '    raise OutOfStock("out of stock")'] });
  });

  it('leaves plain text, other JSON and broken JSON to be shown as they are', () => {
    expect(structuredCause('An error occurred while executing the state.')).toBeUndefined();
    expect(structuredCause('{"Output": 1}')).toBeUndefined();
    expect(structuredCause('{"errorMessage": ')).toBeUndefined();
    expect(structuredCause('[1,2]')).toBeUndefined();
    expect(structuredCause(undefined)).toBeUndefined();
  });
});
