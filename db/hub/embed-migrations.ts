import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationsFolder, renderEmbeddedModule } from '../migrations-embed';

/** Embeds db/hub/migrations like db/embed-migrations.ts does for the replica (run after drizzle-kit generate). */
const dir = fileURLToPath(new URL('./migrations', import.meta.url));
writeFileSync(join(dir, 'index.ts'), renderEmbeddedModule(readMigrationsFolder(dir)));
console.log('embedded hub migrations');
