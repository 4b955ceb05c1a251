// Copies the non-TypeScript files the build needs (Lua scripts) next to the compiled code.
import { cpSync, existsSync } from 'node:fs';

const assets = [['libs/queue-store/src/redis/lua', 'dist/libs/queue-store/src/redis/lua']];
for (const [from, to] of assets) {
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
