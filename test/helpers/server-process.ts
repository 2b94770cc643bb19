import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_SECRET } from './app.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Every structured log line the server printed so far (pino JSON). */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Every line the server printed on stdout so far, logs included (the start-up banner, the printed tokens). */
  output: string[];
}

/**
 * The real server (src/main.ts) in a child process, as production runs it: node with the tsx
 * loader (no npx), its own port, on the test's PostgreSQL database or a fresh embedded one.
 */
export async function startServer(
  opts: {
    databaseUrl?: string;
    env?: Record<string, string>;
    /** node arguments; the TypeScript source through tsx by default */ args?: string[];
    /** No JWT_SECRET: the server signs with the development secret and prints its tokens, as `npm start` does. */
    devTokens?: boolean;
  } = {},
): Promise<ServerProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'info',
    DEMO_DATA: 'off',
    ...opts.env,
  };
  delete env.DATABASE_URL;
  if (opts.devTokens) delete env.JWT_SECRET;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  // a restart on the same embedded database passes its DATA_DIR
  else env.DATA_DIR = opts.env?.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'cs-server-'));
  const child = spawn(process.execPath, opts.args ?? ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const output: string[] = [];
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        output.push(line);
        if (line.startsWith('{')) {
          try {
            logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            /* not a log line */
          }
        }
        const m = /GraphQL:\s+(http:\/\/\S+\/graphql)/.exec(line);
        if (m) resolve(m[1].replace('//localhost:', '//127.0.0.1:'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
    void exited.then((code) => reject(new Error(`server exited (${code}) before it was ready`)));
  });
  return { child, url, logs, exited, output };
}
