// `bin/stepwright.js` for tests: the same entry point, run from the TypeScript sources.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
