// npm run build: compile src/ to dist/ with tsc and copy the dashboard's static files beside it.
// Production then runs `node dist/main.js`; tsx is a development tool only.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
cpSync(path.join(root, 'src/dashboard/public'), path.join(root, 'dist/dashboard/public'), { recursive: true });
cpSync(path.join(root, 'src/http/graphiql'), path.join(root, 'dist/http/graphiql'), { recursive: true });
console.log('built dist/ (node dist/main.js)');
