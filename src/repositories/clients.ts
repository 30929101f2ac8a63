import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { clients } from '../db/schema';

export async function clientExists(db: Database, clientId: number): Promise<boolean> {
  const rows = await db.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  return rows.length > 0;
}
