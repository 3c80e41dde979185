import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { benchSubscriber } from './fixtures.ts';

/** Rows per INSERT when seeding: eight arrays of this many values in one statement. */
const SEED_BATCH = 20_000;

/**
 * The bench's stores in one PostgreSQL database: a schema each, all named
 * with this run's prefix, so that `dropAll` removes every one the run made,
 * including one a failure left half created (the CLI creates the schema when
 * it migrates, so the bench never holds a list that could miss one).
 */
export class ScratchSchemas {
  readonly prefix = `wdbench_${randomBytes(4).toString('hex')}_`;
  private readonly pool: pg.Pool;

  /** `baseUrl`: the database, without `?schema=`. */
  constructor(private readonly baseUrl: string) {
    this.pool = new pg.Pool({ connectionString: baseUrl, max: 2 });
    this.pool.on('error', () => {});
  }

  schema(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** The DATABASE_URL of store `name`; our CLI creates the schema at its first start. */
  url(name: string): string {
    const url = new URL(this.baseUrl);
    url.searchParams.set('schema', this.schema(name));
    return url.toString();
  }

  /** Fails with one line when the server cannot be reached. */
  async check(): Promise<void> {
    try {
      await this.pool.query('select 1');
    } catch (error) {
      const reason = (error as Error).message || (error as { code?: string }).code;
      throw new Error(`PostgreSQL at ${this.baseUrl} is unreachable (${reason}); start it or pass --pg-url`);
    }
  }

  query(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    return this.pool.query(text, values);
  }

  /** A table of store `name`, quoted for SQL. */
  table(name: string, table: string): string {
    return `"${this.schema(name)}".${table}`;
  }

  async drop(name: string): Promise<void> {
    await this.pool.query(`drop schema if exists "${this.schema(name)}" cascade`);
  }

  /** Drops every schema with this run's prefix; returns their names. */
  async dropAll(): Promise<string[]> {
    const { rows } = await this.pool.query<{ nspname: string }>('select nspname from pg_namespace where starts_with(nspname, $1)', [this.prefix]);
    for (const { nspname } of rows) await this.pool.query(`drop schema "${nspname}" cascade`);
    return rows.map((r) => r.nspname);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Inserts `count` active subscribers (the same readers as the SQLite bench,
   * with `topics(i)` as their choice) in multi-row INSERTs of SEED_BATCH, then
   * ANALYZEs the table, as autovacuum would have on a store that grew slowly.
   */
  async seedSubscribers(name: string, count: number, topics: (i: number) => string, onBatch?: (done: number) => void): Promise<void> {
    const now = new Date().toISOString();
    for (let first = 1; first <= count; first += SEED_BATCH) {
      const columns: [string[], string[], string[], string[]] = [[], [], [], []];
      for (let i = first; i < Math.min(first + SEED_BATCH, count + 1); i++) {
        const reader = benchSubscriber(i);
        columns[0].push(reader.email);
        columns[1].push(reader.emailKey);
        columns[2].push(reader.name);
        columns[3].push(topics(i));
      }
      await this.pool.query(
        `insert into ${this.table(name, 'subscribers')} (email, email_key, name, status, topics, created_at, updated_at, confirmed_at)
         select e, k, n, 'active', t, $5, $5, $5 from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as r(e, k, n, t)`,
        [...columns, now],
      );
      onBatch?.(first + columns[0].length - 1);
    }
    await this.pool.query(`analyze ${this.table(name, 'subscribers')}`);
  }
}
