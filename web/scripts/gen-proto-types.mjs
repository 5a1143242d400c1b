// Generates the console's API types from proto/gridcare/v1 with protoc + ts-proto, and its
// table of actions from the engine's engine/actions.def, so the console cannot drift from
// the wire contract or the server's actions. Types and data only: the console speaks JSON.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(web, '..', 'proto');
const out = join(web, 'src', 'api', 'gen');
const files = readdirSync(join(protoRoot, 'gridcare', 'v1'))
  .filter((f) => f.endsWith('.proto'))
  .map((f) => join('gridcare', 'v1', f));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  'protoc',
  [
    `--plugin=protoc-gen-ts_proto=${join(web, 'node_modules', '.bin', 'protoc-gen-ts_proto')}`,
    `--ts_proto_out=${out}`,
    // The proto3 JSON mapping: enums as names, timestamps as RFC 3339 strings.
    '--ts_proto_opt=onlyTypes=true,stringEnums=true,useDate=string,enumsAsLiterals=true,snakeToCamel=true,esModuleInterop=true',
    `-I${protoRoot}`,
    ...files,
  ],
  { stdio: 'inherit' },
);

// A person's commands: the GC_ACTION rows (the scheduler's have no URL and no button).
// GC_ACTION(enumerator, spelling, URL action, field, value, verb, label), one per line.
const def = join(web, '..', 'engine', 'actions.def');
const actions = [];
for (const line of readFileSync(def, 'utf8').split('\n')) {
  if (!line.startsWith('GC_ACTION(')) continue;
  const strings = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  if (strings.length !== 6) throw new Error(`${def}: cannot read the row ${line}`);
  const [command, action, field, value, , label] = strings;
  actions.push({ command, action, field, value, label });
}
if (actions.length === 0) throw new Error(`${def}: no GC_ACTION rows`);
writeFileSync(
  join(out, 'actions.ts'),
  `// Generated from engine/actions.def by scripts/gen-proto-types.mjs; do not edit.
// The URL actions a person may take, one row per command, in the server's order: the
// request field and value that pick the command, and its label.
export const ACTIONS = [
${actions.map((a) => `  ${JSON.stringify(a)},`).join('\n')}
] as const;

export type ActionName = (typeof ACTIONS)[number]['action'];
export type CommandName = (typeof ACTIONS)[number]['command'];
`,
);
