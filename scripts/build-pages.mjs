// Bundles the waiting-room page's script (its modules and the SDK's FoyerClient, which does its
// talking to Foyer) into the one file the page loads. The output is generated, not committed.
import { build } from 'esbuild';

await build({
  entryPoints: ['libs/pages/src/waiting-room/script/waiting-room.js'],
  outfile: 'libs/pages/src/waiting-room/generated/waiting-room.js',
  bundle: true,
  format: 'iife',
  // Syntax the page ran on before it was bundled (async functions); newer syntax is lowered.
  target: 'es2017',
  // Names are kept, so an error reported from a phone names the function: about 7.5 kB gzipped,
  // against 8.1 kB for the hand-written script before the SDK took over and 6.4 kB fully minified.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  alias: { '@foyer/sdk': './libs/sdk/src/index.ts' },
  logLevel: 'warning',
});
