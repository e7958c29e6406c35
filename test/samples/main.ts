/**
 * `npm run samples -- DIR [--json] [--time-limit MS]`: the real-world validation set. Walks DIR's
 * sample projects (each a folder with ASL definitions and/or a SAM template, maybe functions) and
 * reports for each definition whether the validator accepts it, which Task integrations it uses
 * and whether Stepwright serves them, and whether it runs end to end on a Stepwright app with AWS
 * calls sent to a moto_server (when on PATH). Ends with `N valid, M runnable, K ran end to end,
 * J failed`. Here beside test/conformance because it is the same kind of tool: it checks
 * Stepwright against material from outside the repository, which is never copied into it.
 */
import { parseArgs } from 'node:util';
import { hasMotoServer, startMotoServer, type MotoServer } from '../moto-server.js';
import { discoverSamples } from './discover.js';
import { jsonReport, summarize, textReport } from './report.js';
import { runSampleProject, type DefinitionReport } from './run-sample.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    'time-limit': { type: 'string' },
  },
});

const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write('usage: npm run samples -- DIR [--json] [--time-limit MS]\n');
  process.exit(2);
}
const timeLimitMs = values['time-limit'] !== undefined ? Number(values['time-limit']) : undefined;

const projects = await discoverSamples(dir);
const moto: MotoServer | undefined = (await hasMotoServer()) ? await startMotoServer() : undefined;
if (moto === undefined) process.stderr.write('moto_server is not on PATH: definitions calling AWS services are not run\n');
const reports: DefinitionReport[] = [];
try {
  for (const project of projects) {
    if (!values.json) process.stderr.write(`${project.id} …\n`);
    reports.push(...(await runSampleProject(project, { ...(moto !== undefined ? { motoEndpoint: moto.endpoint, resetMoto: () => moto.reset() } : {}), ...(timeLimitMs !== undefined ? { timeLimitMs } : {}) })));
  }
} finally {
  await moto?.stop();
}
const templateErrors = projects.flatMap((p) => p.templateErrors);
const summary = summarize(reports, projects.length, templateErrors.length);
process.stdout.write(values.json ? jsonReport(reports, summary, templateErrors) : textReport(reports, summary, templateErrors));
