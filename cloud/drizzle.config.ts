import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema: `npx drizzle-kit generate` in cloud/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/storage/schema/index.ts',
  out: './drizzle',
});
