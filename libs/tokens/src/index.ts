export { generateEs256PrivateKeyPem, parseEs256PrivateKey, parseEs256PublicKey, splitPemBlocks } from './es256-key.js';
export { IdTokenVerifier } from './id-token.js';
export { SuccessTokens, type SuccessTokenClaims, type SuccessTokenInput, type SuccessTokensOptions, type SuccessTokenVerification } from './success-token.js';
export { TicketCodec } from './ticket.js';
