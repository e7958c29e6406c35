/**
 * `npx tsx bench/console-layout.ts`: how long the console takes to lay out a state machine's graph
 * (ELK, as the browser runs it), for 20, 200 and 2,000 states. Prints a markdown table.
 */
import { definitionGraph } from '../console/src/graph/definition-graph.js';
import { layoutGraph } from '../console/src/graph/layout.js';
import { chainDefinition } from './console-layout-workload.js';

const rows: string[] = ['| states | layout ms (median of 5) |', '|---:|---:|'];
for (const n of [20, 200, 2000]) {
  const graph = definitionGraph(chainDefinition(n));
  await layoutGraph(graph); // warm the layout engine
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await layoutGraph(graph);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  rows.push(`| ${n} | ${times[2].toFixed(0)} |`);
}
console.log('\n### Console graph layout\n');
console.log(rows.join('\n'));
