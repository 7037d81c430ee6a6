import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/replica/schema.ts',
  out: './db/replica/migrations',
});
