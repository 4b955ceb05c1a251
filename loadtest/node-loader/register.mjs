// Lets Node 20 run the TypeScript programs under loadtest/ (the benchmark runner, the floor server,
// the k6 shim's command line) without a build step of their own:
//   node --import ./loadtest/node-loader/register.mjs loadtest/bench/main.ts
// See hooks.mjs for what it resolves and how it compiles.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
