import { defineConfig } from 'prisma/config';

// Read by the Prisma CLI only (`prisma generate`, `prisma migrate deploy`). The app applies
// the same migrations itself at start (libs/persistence). `generate` needs no database, so a
// missing DATABASE_URL must not fail it: hence process.env rather than prisma's env(), which throws.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
