// Copies what tsc does not emit into dist/: the worker bootstraps that function processes run
// (node .mjs and python .py files), keeping their place under src/.
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSET = /\.(mjs|py)$/;

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) copyAssets(file);
    else if (ASSET.test(name)) cpSync(file, path.join(root, 'dist', path.relative(path.join(root, 'src'), file)));
  }
}

copyAssets(path.join(root, 'src'));
