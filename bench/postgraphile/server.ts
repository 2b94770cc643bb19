/**
 * PostGraphile v5 doing the profile bench's work: the VOLATILE function bench_pg.credit_profile
 * (credit_profile.sql: consent check, inquiry, audit entry and domain event, the profile as JSON)
 * exposed as the mutation `creditProfile`. As PostGraphile's JWT setup does, each request's HS256
 * bearer token is verified (jose) in `grafast.context` and its claims become pgSettings
 * (`jwt.claims.inst`, `jwt.claims.sub`), which the function reads with current_setting. Run with
 * NODE_ENV=production, DATABASE_URL, DB_POOL_SIZE (10), JWT_SECRET, PORT.
 */
import './polyfill.js';
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const secret = new TextEncoder().encode(process.env.JWT_SECRET!);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ['bench_pg'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: {
    explain: false,
    async context(requestContext) {
      const auth = requestContext.node?.req?.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
      if (!token) return { pgSettings: {} };
      // a bad token fails the request, as PostGraphile's JWT preset does
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
      return { pgSettings: { 'jwt.claims.inst': String(payload.inst ?? ''), 'jwt.claims.sub': String(payload.sub ?? '') } };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
await pgl.getSchema();
// no websockets needed: the plain request handler, with the bench's health route beside it
const handler = serv.createHandler();
const server = createServer((req, res) => {
  if (req.url === '/health') return void res.end('ok');
  handler(req, res, () => {
    res.writeHead(404);
    res.end();
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => void Promise.allSettled([pgl.release(), pool.end()]).finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
