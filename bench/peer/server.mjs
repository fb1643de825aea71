// The peer provider bench/run.py measures beside B2C Lab: node oidc-provider 9, one process,
// its in-memory adapter, configured like B2C Lab's seeded tenant as far as the comparison needs.
//
//   node server.mjs CONFIG.json
//
// CONFIG.json (written by bench/run.py):
//   port, issuer             where to listen (127.0.0.1 only) and the issuer URL
//   client_id, client_secret, redirect_uri
//                            a confidential web client like B2C Lab's rp-demo (same id and secret)
//   jwk                      B2C Lab's private RSA signing key (read from its database), so
//                            both sign RS256 with the same 2048-bit key
//   refresh_tokens, refresh_out
//                            mint this many refresh tokens (a grant each, scope openid
//                            offline_access) before listening and write them to this file:
//                            the seeds of the wrk refresh-token run (see bench/README.md)
//
// Differences from oidc-provider's defaults, each to match what B2C Lab does:
//   - client_credentials issues a JWT access token signed RS256 (resource indicator
//     "api://bench"), as B2C Lab's does; the default would be an opaque token.
//   - rotateRefreshToken: true, B2C Lab rotates on every use (the default rotates a
//     confidential client's token only after 70 % of its lifetime).
import { readFileSync, writeFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const RESOURCE = 'api://bench';
const ACCOUNT = 'bench-user';

const provider = new Provider(config.issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: [config.redirect_uri],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid offline_access api:read',
  }],
  scopes: ['openid', 'offline_access', 'api:read'],
  jwks: { keys: [config.jwk] },
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  rotateRefreshToken: true,
  issueRefreshToken: () => true,
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => false,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: RESOURCE,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  cookies: { keys: ['bench-cookie-key'] },
});

async function mintRefreshTokens(count) {
  const client = await provider.Client.find(config.client_id);
  const values = [];
  for (let i = 0; i < count; i += 1) {
    // One grant per token, as each B2C Lab sign-in starts its own refresh-token family: a
    // reuse revokes one grant, not every chain of the run.
    const grant = new provider.Grant({ accountId: ACCOUNT, clientId: config.client_id });
    grant.addOIDCScope('openid offline_access');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId: ACCOUNT, client, grantId, gty: 'authorization_code',
      scope: 'openid offline_access', authTime: Math.floor(Date.now() / 1000),
    });
    values.push(await token.save());
  }
  return values;
}

// A 500 is an error of the run (bench/run.py copies stderr lines with "server_error").
provider.on('server_error', (_ctx, error) => console.error('server_error', error));

if (config.refresh_tokens) {
  const values = await mintRefreshTokens(config.refresh_tokens);
  writeFileSync(config.refresh_out, JSON.stringify(values));
}
provider.listen(config.port, '127.0.0.1');
