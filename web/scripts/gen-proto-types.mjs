// Generates the console's API types from proto/gridcare/v1 with protoc + ts-proto, so the
// console cannot drift from the wire contract. Types only: the console speaks JSON.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
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
