import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/hub/schema.ts',
  out: './db/hub/migrations',
});
