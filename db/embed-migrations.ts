import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationsFolder, renderEmbeddedModule } from './migrations-embed';

const here = fileURLToPath(new URL('.', import.meta.url));
for (const db of ['replica']) {
  const dir = join(here, db, 'migrations');
  writeFileSync(join(dir, 'index.ts'), renderEmbeddedModule(readMigrationsFolder(dir)));
  console.log(`embedded ${db} migrations`);
}
