import { type Db, migrateToLatest, openDatabase } from '../../src/db/connect.ts';
import { addSubscriber } from '../../src/subscribers/subscriber-store.ts';

/** Opens (and migrates) the store a CLI process under test uses. */
export async function openTestDb(databaseUrl: string): Promise<Db> {
  const db = openDatabase(databaseUrl);
  await migrateToLatest(db);
  return db;
}

export async function addSubscribers(db: Db, people: { email: string; name?: string }[]): Promise<void> {
  for (const person of people) await addSubscriber(db, person, { confirmed: true });
}
