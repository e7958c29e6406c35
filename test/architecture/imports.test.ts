import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult, type IReporterOutput } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

// The rules live in .dependency-cruiser.cjs, beside the table docs/architecture.md explains.
const root = path.resolve(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs')) as {
  forbidden: unknown[];
  options: Record<string, unknown>;
};

async function cruiseSrc(dir = root): Promise<ICruiseResult> {
  const cwd = process.cwd();
  process.chdir(dir); // dependency-cruiser resolves paths and the tsconfig from the working folder
  try {
    const options = { ...config.options, tsConfig: { fileName: path.join(root, 'tsconfig.json') }, validate: true, ruleSet: { forbidden: config.forbidden } };
    const out: IReporterOutput = await cruise(['src'], options as never);
    return out.output as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
}

describe('imports between the rooms of src/', () => {
  it('follow the rules of docs/architecture.md and close no circle', async () => {
    const result = await cruiseSrc();
    const broken = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.cycle?.map((c) => c.name).join(' → ') ?? v.to}`);
    expect(broken).toEqual([]);
    expect(result.summary.totalCruised).toBeGreaterThan(100); // it really read the sources
  });

  it('refuses an import that runs back up, a circle and a loose module (the rules can fail)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-imports-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    try {
      write('src/api/server.ts', 'export const server = 1;\n');
      write('src/engine/advance.ts', "import { server } from '../api/server.js';\nimport { b } from './b.js';\nexport const a = server + b;\n");
      write('src/engine/b.ts', "import { a } from './advance.js';\nexport const b = 1;\nexport const c = () => a;\n");
      write('src/language/loose-user.ts', "import { loose } from '../loose.js';\nexport const x = loose;\n");
      write('src/loose.ts', 'export const loose = 1;\n');
      const names = (await cruiseSrc(dir)).summary.violations.map((v) => `${v.rule.name} ${v.from}`).sort();
      expect(names).toEqual(
        expect.arrayContaining(['engine-imports src/engine/advance.ts', 'no-circular src/engine/advance.ts', 'rooms-only src/language/loose-user.ts']),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
