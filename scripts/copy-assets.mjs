// Copies the non-TypeScript files the build needs (Lua scripts, the pages' assets and the bundle
// build-pages.mjs made) next to the compiled code.
import { cpSync, existsSync, rmSync } from 'node:fs';

const assets = [
  ['libs/queue-store/src/redis/lua', 'dist/libs/queue-store/src/redis/lua'],
  ['libs/pages/src/waiting-room/assets', 'dist/libs/pages/src/waiting-room/assets'],
  ['libs/pages/src/waiting-room/generated', 'dist/libs/pages/src/waiting-room/generated'],
  ['libs/pages/src/admin-dashboard/assets', 'dist/libs/pages/src/admin-dashboard/assets'],
];
for (const [from, to] of assets) {
  // Replaced, not merged: a file gone from the sources (the page's script moved to generated/) must not linger in dist.
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
