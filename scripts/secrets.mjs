#!/usr/bin/env node
// Prints a fresh set of production secrets, ready to save as the `.env` that docker-compose.yml reads:
//
//   npm run --silent secrets > .env         (or: node scripts/secrets.mjs > .env)
//   node scripts/secrets.mjs --kubernetes | kubectl apply -n foyer -f -    (the Secret foyer-secrets)
//
// Plain Node (no dependency), so it runs before `npm ci` and anywhere Node 20.19+ is.
//
// Every value is single-quoted on one line. Docker Compose, `set -a; . ./.env` in a shell and
// `node --env-file` all take a single-quoted value literally, so the PEM key is written with `\n`
// escapes in place of its line breaks: Foyer's config loader turns `\n` back into line breaks when
// a PEM variable holds no real one (docs/configuration.md, TOKEN_PRIVATE_KEY).
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--kubernetes' && arg !== '--help');
if (unknown.length > 0 || args.includes('--help')) {
  const out = unknown.length > 0 ? process.stderr : process.stdout;
  out.write('usage: node scripts/secrets.mjs [--kubernetes]\n');
  out.write('  prints new secrets as a .env file, or with --kubernetes as a Secret manifest (foyer-secrets)\n');
  process.exit(unknown.length > 0 ? 2 : 0);
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();

/** [name, value, what it is] in the order an operator reads them. */
const secrets = [
  ['ADMIN_API_KEY', randomBytes(32).toString('base64url'), 'Bearer key of the admin API and the dashboard'],
  ['TICKET_SECRET', randomBytes(48).toString('base64url'), 'HMAC key of visitor tickets; every instance shares it'],
  ['TOKEN_PRIVATE_KEY', pem, 'ES256 (EC P-256) key that signs successTokens; every instance shares it'],
  ['CALLBACK_SIGNING_SECRET', `whsec_${randomBytes(32).toString('base64')}`, 'Standard Webhooks secret that signs callbacks; give it to the receivers'],
  [
    'ENTRY_TOKEN_SECRET',
    randomBytes(48).toString('base64url'),
    "HS256 key of idTokens, shared with your backend (optional: delete the line if you don't use idTokens)",
  ],
  ['POSTGRES_PASSWORD', randomBytes(32).toString('hex'), 'password of the foyer database user (docker-compose.yml)'],
  ['REDIS_PASSWORD', randomBytes(32).toString('hex'), 'Redis requirepass (docker-compose.yml puts it in REDIS_URL)'],
];

if (args.includes('--kubernetes')) {
  const lines = [
    '# Made by scripts/secrets.mjs: pipe it into `kubectl apply -f -` and keep no copy of it.',
    '# REDIS_URL and DATABASE_URL go in a Secret of their own, foyer-stores (docs/operations.md).',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: foyer-secrets',
    'type: Opaque',
    'stringData:',
  ];
  for (const [name, value] of secrets) {
    // Your own Redis and PostgreSQL have their own passwords, carried by foyer-stores' URLs.
    if (name === 'POSTGRES_PASSWORD' || name === 'REDIS_PASSWORD') continue;
    if (value.includes('\n')) {
      lines.push(`  ${name}: |`, ...value.split('\n').map((line) => `    ${line}`));
    } else {
      lines.push(`  ${name}: '${value}'`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} else {
  const lines = [
    `# Foyer secrets, made by scripts/secrets.mjs on ${new Date().toISOString()}.`,
    '# Keep this file out of version control (.gitignore lists .env); docker compose reads it.',
  ];
  for (const [name, value, what] of secrets) {
    if (value.includes("'")) throw new Error(`${name}: a generated value holds a quote`); // cannot happen
    lines.push('', `# ${what}`, `${name}='${value.replace(/\n/g, '\\n')}'`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
if (process.stdout.isTTY) {
  process.stderr.write('\n(printed, not saved: run `npm run --silent secrets > .env` to keep them)\n');
}
