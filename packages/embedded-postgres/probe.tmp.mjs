import { readdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
const db = await PGlite.create(dir);
await db.exec('create table if not exists t(x int)');
await db.exec('insert into t values (1)');
console.log(
  'count',
  (await db.query('select count(*)::int as c from t')).rows[0].c,
  readdirSync(dir)
    .filter((f) => !f.startsWith('pg_'))
    .join(','),
);
if (process.argv[3] === 'crash') {
  process.kill(process.pid, 'SIGKILL');
}
await db.close();
