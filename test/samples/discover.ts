/**
 * The sample projects under a folder and the state machine definitions of each: the machines of a
 * SAM / CloudFormation template (loaded as `--sam` loads them: DefinitionUri read, intrinsics and
 * DefinitionSubstitutions applied, functions registered), and definition files no template loads
 * (`*.asl.json`, `*.asl.yaml`, JSON files in a `statemachine(s)/` or `state-machines/` folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSamTemplate, type SamProject } from '../../src/app/sam/index.js';
import { parseTemplateText } from '../../src/app/sam/template-text.js';

export type MachineType = 'STANDARD' | 'EXPRESS';

export interface SampleDefinition {
  /** `project/statemachine/x.asl.json`, or `project/template.yaml Resources.Flow`: relative to the folder walked. */
  readonly id: string;
  /** The machine's name when it is created (the template's, else the file's). */
  readonly name: string;
  readonly type: MachineType;
  /** The definition text as it would be created (substitutions applied for a template's machines). */
  readonly text: string;
  /** The template whose machine this is. */
  readonly sam?: SamProject;
}

export interface SampleProject {
  /** The project's folder, relative to the folder walked ('.' when that folder is the project). */
  readonly id: string;
  readonly dir: string;
  readonly definitions: readonly SampleDefinition[];
  /** Templates that did not load: the file and why. */
  readonly templateErrors: readonly { readonly id: string; readonly message: string }[];
  /** The projects' templates (their functions run the Lambda Tasks). */
  readonly templates: readonly SamProject[];
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.aws-sam', 'cdk.out', '.terraform', '__pycache__', 'dist', 'build', '.venv', 'venv']);
const TEMPLATE_NAME = /^(template|sam-template|samtemplate)\.(ya?ml|json)$/i;
const MACHINE_TYPE = /AWS::(Serverless|StepFunctions)::StateMachine/;
const DEFINITION_FOLDER = /^(statemachines?|state-machines?|state_machines?|stepfunctions?|sfn|workflows?)$/i;

/** A folder, or a link to one (a collection assembled from links). */
function isFolder(full: string, entry: fs.Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(full).isDirectory();
  } catch {
    return false;
  }
}

/** Every file under `dir`, in a stable order, without the folders of builds and dependencies. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (isFolder(full, entry)) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(full);
      } else if (entry.isFile() || entry.isSymbolicLink()) out.push(full);
    }
  };
  walk(dir);
  return out;
}

const isTemplate = (file: string): boolean => (TEMPLATE_NAME.test(path.basename(file)) || /\.ya?ml$/i.test(file)) && MACHINE_TYPE.test(readText(file));

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A definition file by its name or folder; a JSON file counts only when it has `States`. */
function isDefinitionFile(file: string): boolean {
  const base = path.basename(file);
  if (/\.asl\.(json|ya?ml)$/i.test(base)) return true;
  if (!/\.json$/i.test(base) || !DEFINITION_FOLDER.test(path.basename(path.dirname(file)))) return false;
  return /"States"\s*:/.test(readText(file));
}

/** The machine name a file gives: its base name without the extensions, as `stepwright run` names it. */
function nameOfFile(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.(json|ya?ml)$/i, '')
      .replace(/\.asl$/i, '')
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 80) || 'StateMachine'
  );
}

/** YAML definition files become JSON text here, as the template loader does for a YAML DefinitionUri. */
async function definitionTextOf(file: string): Promise<string> {
  const text = readText(file);
  if (/\.json$/i.test(file) || text.trimStart().startsWith('{')) return text;
  const { parse } = await import('yaml');
  try {
    return JSON.stringify(parse(text));
  } catch {
    return text; // the validator names what is wrong with it
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A value for each template parameter without a Default, as `sam deploy --guided` would ask for
 * one: the first AllowedValue, `1` for a Number, else `sample-NAME` (an email address, a bucket
 * name …). The definition then gets a value where a deployment would have one.
 */
function parameterValues(text: string, file: string): Record<string, string> {
  let root: unknown;
  try {
    root = parseTemplateText(text, file).value;
  } catch {
    return {};
  }
  const parameters = isRecord(root) && isRecord(root.Parameters) ? root.Parameters : {};
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(parameters)) {
    if (!isRecord(spec) || (spec.Default !== undefined && spec.Default !== null)) continue;
    out[name] = Array.isArray(spec.AllowedValues) && spec.AllowedValues.length > 0 ? String(spec.AllowedValues[0]) : spec.Type === 'Number' ? '1' : `sample-${name.toLowerCase()}`;
  }
  return out;
}

/** The definition files a template names (DefinitionUri …), whether or not it loads: they are its, not machines of their own. */
function filesNamedBy(templateFile: string, text: string): string[] {
  return [...text.matchAll(/Definition(?:Uri|S3Location)\s*:\s*["']?([^\s"'#]+)/g)].map((m) => path.resolve(path.dirname(templateFile), m[1]));
}

/** One project: its templates' machines first, then the definition files none of them loaded. */
async function loadProject(root: string, dir: string): Promise<SampleProject> {
  const rel = (file: string): string => path.relative(root, file) || '.';
  const files = filesUnder(dir);
  const definitions: SampleDefinition[] = [];
  const templateErrors: { id: string; message: string }[] = [];
  const templates: SamProject[] = [];
  const loaded = new Set<string>();
  for (const file of files.filter(isTemplate)) {
    const text = readText(file);
    for (const named of filesNamedBy(file, text)) loaded.add(named);
    let sam: SamProject;
    try {
      sam = loadSamTemplate(file, { stackName: path.basename(dir).replace(/[^A-Za-z0-9-]/g, '-') || 'sample', parameterOverrides: parameterValues(text, file) });
    } catch (e) {
      templateErrors.push({ id: rel(file), message: e instanceof Error ? e.message : String(e) });
      continue;
    }
    templates.push(sam);
    for (const m of sam.stateMachines) {
      if (m.file !== undefined) loaded.add(path.resolve(m.file));
      definitions.push({ id: `${rel(file)} Resources.${m.logicalId}`, name: m.name, type: m.type, text: m.definition, sam });
    }
  }
  for (const file of files.filter(isDefinitionFile)) {
    if (loaded.has(path.resolve(file))) continue;
    const type: MachineType = /\.express\./i.test(path.basename(file)) ? 'EXPRESS' : 'STANDARD';
    definitions.push({ id: rel(file), name: nameOfFile(file), type, text: await definitionTextOf(file) });
  }
  return { id: rel(dir), dir, definitions, templateErrors, templates };
}

/**
 * The projects under `root`: each sub-folder is one (a sample repository's layout), or `root`
 * itself when it holds a template or definition files of its own at the top.
 */
export async function discoverSamples(root: string): Promise<SampleProject[]> {
  const dir = path.resolve(root);
  const top = fs.readdirSync(dir, { withFileTypes: true });
  const ownFiles = top.filter((e) => !isFolder(path.join(dir, e.name), e)).map((e) => path.join(dir, e.name));
  if (ownFiles.some((f) => isTemplate(f) || isDefinitionFile(f))) return [await loadProject(dir, dir)];
  const projects: SampleProject[] = [];
  for (const entry of top.filter((e) => isFolder(path.join(dir, e.name), e) && !SKIPPED_FOLDERS.has(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    projects.push(await loadProject(dir, path.join(dir, entry.name)));
  }
  return projects;
}
