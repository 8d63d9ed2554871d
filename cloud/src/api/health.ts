import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors.js';
import type { Database } from '../storage/database.js';

/** GET /api/v1/health: no auth; 503 when the database does not answer. */
export function healthRoute(app: FastifyInstance, database: Database): void {
  app.get('/api/v1/health', async () => {
    try {
      await database.db.execute(sql`SELECT 1`);
    } catch (err) {
      throw new HttpError(503, 'database_unavailable', 'The database does not answer', undefined, { cause: err });
    }
    return { status: 'ok', database: database.kind };
  });
}
