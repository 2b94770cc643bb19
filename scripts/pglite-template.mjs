// postinstall (after patch-package): build the migrated PGlite template that a new embedded
// database starts from (src/demo/template.ts), so that the first `npm start` of a fresh clone
// skips PGlite's initdb and the migrations too. Best effort, never fails the install: a
// production install has no tsx, a Docker build stage has no src/ yet; the first start then
// builds the template itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'src/demo/template-cli.ts');
let hasTsx = false;
try {
  createRequire(import.meta.url).resolve('tsx');
  hasTsx = true;
} catch {
  /* a production install */
}
if (hasTsx && existsSync(cli)) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli], { cwd: root, stdio: 'ignore', timeout: 180_000 });
  console.log(
    r.status === 0 ? 'PGlite template built (node_modules/.cache/credit-share)' : 'PGlite template not built: the first start builds it',
  );
}
