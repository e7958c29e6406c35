// A process that owns a FunctionRuntime, for tests that kill it (kill -9) under a running handler:
// argv[2] is the function's config, argv[3] the event. Prints `invoking` once the call is made.
import { FunctionRuntime, type FunctionConfig } from '../../src/functions/index.js';

const runtime = new FunctionRuntime();
runtime.register(JSON.parse(process.argv[2]) as FunctionConfig);
const result = runtime.invoke((JSON.parse(process.argv[2]) as FunctionConfig).name, process.argv[3]);
process.stdout.write('invoking\n');
const r = await result;
process.stdout.write(`${JSON.stringify(r)}\n`);
await runtime.close();
