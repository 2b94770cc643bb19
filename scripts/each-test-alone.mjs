#!/usr/bin/env node
// Run every test of the given files alone: `npm run test:alone -- <files...>`.
//
// For each file, `vitest list --json` gives the tests; each one is then run in its own vitest
// process with `-t` set to a pattern matching exactly that test's full name. That proves no test
// depends on state left behind by an earlier one. Files (and tests) run one at a time.
// Prints pass/fail per test and a summary; exits non-zero if any test fails on its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitest = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
// --match=<regex>: only the tests whose listed name ("describe > test") matches, e.g. to resume a long file
const match = args.find((a) => a.startsWith('--match='))?.slice('--match='.length);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: npm run test:alone -- [--verbose] [--match=<regex>] <test files...>');
  process.exit(2);
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `vitest list --json` reports "describe > nested > test"; `-t` is matched against the same names
 * joined by single spaces. A " > " could also be part of a name, so each one may be either.
 */
function exactPattern(listedName) {
  return `^${listedName.split(' > ').map(escapeRegExp).join('(?: | > )')}$`;
}

/** The tests of one file, in file order. */
function listTests(file) {
  const dir = mkdtempSync(path.join(tmpdir(), 'each-test-alone-'));
  const out = path.join(dir, 'list.json');
  try {
    // The output file is named with `=`: a bare `--json` would swallow the next argument as its path.
    const r = spawnSync(vitest, ['list', `--json=${out}`, file], { cwd: root, encoding: 'utf8', env: process.env });
    if (r.status !== 0) throw new Error(`vitest list failed for ${file}:\n${r.stdout}\n${r.stderr}`);
    const names = JSON.parse(readFileSync(out, 'utf8')).map((t) => t.name);
    return match ? names.filter((n) => new RegExp(match).test(n)) : names;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pull the "Tests  N passed | M skipped" line out of vitest's output. */
function testsLine(output) {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const m = plain.match(/^\s*Tests\s+(.*)$/m);
  return m ? m[1].trim() : '';
}

const results = [];
const t0 = Date.now();
for (const file of files) {
  let names;
  try {
    names = listTests(file);
  } catch (err) {
    console.log(`FAIL  ${file}: could not list tests\n${err.message}`);
    results.push({ file, name: '(listing)', ok: false });
    continue;
  }
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  console.log(`\n${file}: ${names.length} tests${dupes.length ? ` (duplicate names: ${[...new Set(dupes)].join('; ')})` : ''}`);
  for (const name of names) {
    const started = Date.now();
    const r = spawnSync(vitest, ['run', file, '-t', exactPattern(name)], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const summary = testsLine(output);
    // Exactly one test must have run, and passed: a pattern matching nothing (or several) is a failure too.
    const ranOne = /^1 passed\b/.test(summary) && !/failed/.test(summary);
    const ok = r.status === 0 && ranOne;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${ok ? 'pass' : 'FAIL'}  ${name}  (${secs}s${ok ? '' : `; ${summary || `exit ${r.status}`}`})`);
    if (!ok && verbose) console.log(output);
    if (!ok && !verbose) {
      // eslint-disable-next-line no-control-regex -- strips the terminal's colour codes
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
      const failure = plain
        .split('\n')
        .filter((l) => /Error|expected|FAIL|AssertionError/.test(l))
        .slice(0, 8);
      if (failure.length) console.log(failure.map((l) => `        ${l.trim()}`).join('\n'));
    }
    results.push({ file, name, ok });
  }
}

console.log('\nSummary');
for (const file of files) {
  const mine = results.filter((r) => r.file === file);
  const passed = mine.filter((r) => r.ok).length;
  console.log(`  ${passed === mine.length ? 'ok  ' : 'FAIL'}  ${file}: ${passed}/${mine.length} passed alone`);
}
const failed = results.filter((r) => !r.ok);
console.log(
  `\n${results.length - failed.length}/${results.length} tests passed alone in ${((Date.now() - t0) / 1000).toFixed(0)}s${process.env.DATABASE_URL ? ' (DATABASE_URL set)' : ' (embedded database)'}`,
);
if (failed.length) {
  console.log('Failed:');
  for (const f of failed) console.log(`  ${f.file} > ${f.name}`);
  process.exit(1);
}
