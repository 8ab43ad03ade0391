// What services rely on when they talk to the embedded server through `pg`: a real PostgreSQL, so a client that
// dies inside a transaction blocks nobody (what wedged PGlite behind pglite-socket), sessions are separate, and each
// service gets a role and a database no other role can enter.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/index.js';

describe('a throwaway embedded server used through pg', () => {
  let server: EmbeddedPostgres;
  const opened: pg.Client[] = [];
  async function client(url = server.url): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    opened.push(c);
    await c.connect();
    return c;
  }

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    const setup = await client();
    await setup.query('CREATE TABLE public.stock (id int PRIMARY KEY, n int NOT NULL)');
    await setup.query('INSERT INTO public.stock VALUES (1, 10), (2, 10)');
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.end().catch(() => {})));
    await server?.stop();
  });

  it('is PostgreSQL 15 with password authentication, on the url it reports', async () => {
    expect(server.url).toMatch(new RegExp(`^postgres://postgres:[\\w-]{20,}@127\\.0\\.0\\.1:${server.port}/postgres$`));
    const c = await client();
    const { rows } = await c.query<{ v: string }>('SELECT current_setting($$server_version$$) AS v');
    expect(rows[0]?.v).toMatch(/^15\./);
    const wrong = new URL(server.url);
    wrong.password = 'not-the-password';
    await expect(client(wrong.toString())).rejects.toThrow(/password authentication failed/);
  });

  it('does not let a client that dies inside a transaction block the others', async () => {
    const dying = await client();
    await dying.query('BEGIN');
    await dying.query('UPDATE public.stock SET n = n - 1 WHERE id = 1');
    // the process holding it is gone: its socket closes without a COMMIT or ROLLBACK
    (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

    const other = await client();
    // blocked behind the dead client's row lock, this would fail after 5 s instead of waiting forever
    await other.query("SET lock_timeout = '5s'");
    await other.query('BEGIN');
    await other.query('UPDATE public.stock SET n = n - 2 WHERE id = 1');
    await other.query('COMMIT');
    const { rows } = await other.query<{ n: number }>('SELECT n FROM public.stock WHERE id = 1');
    expect(rows[0]?.n).toBe(8); // the dead client's update was rolled back
  });

  it('runs transactions of different clients side by side, each with its own session', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query('UPDATE public.stock SET n = n + 1 WHERE id = 2');
    // b neither waits for a's open transaction nor sees its uncommitted write or its settings
    await a.query("SET statement_timeout = '1234ms'");
    expect((await b.query('SELECT n FROM public.stock WHERE id = 2')).rows[0].n).toBe(10);
    expect((await b.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('0');
    await a.query('COMMIT');
    expect((await b.query('SELECT n FROM public.stock WHERE id = 2')).rows[0].n).toBe(11);
  });

  it("gives a service a role and a database of its own, closed to other services' roles", async () => {
    const catalogUrl = await server.serviceDatabaseUrl('catalog');
    const ordersUrl = await server.serviceDatabaseUrl('orders');
    expect(await server.serviceDatabaseUrl('catalog')).toBe(catalogUrl); // idempotent
    const catalog = await client(catalogUrl);
    expect((await catalog.query('SELECT current_user AS u, current_database() AS d')).rows[0]).toEqual({
      u: 'catalog',
      d: 'catalog',
    });
    await catalog.query('CREATE SCHEMA catalog');
    await catalog.query('CREATE TABLE catalog.products (id int)');

    const intruder = new URL(ordersUrl);
    intruder.pathname = '/catalog';
    await expect(client(intruder.toString())).rejects.toThrow(/permission denied for database "catalog"/);
  });
});
