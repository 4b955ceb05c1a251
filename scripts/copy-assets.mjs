// Copies the non-TypeScript files the build needs (Lua scripts, the pages' assets) next to the compiled code.
import { cpSync, existsSync } from 'node:fs';

const assets = [
  ['libs/queue-store/src/redis/lua', 'dist/libs/queue-store/src/redis/lua'],
  ['libs/pages/src/waiting-room/assets', 'dist/libs/pages/src/waiting-room/assets'],
  ['libs/pages/src/admin-dashboard/assets', 'dist/libs/pages/src/admin-dashboard/assets'],
];
for (const [from, to] of assets) {
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
