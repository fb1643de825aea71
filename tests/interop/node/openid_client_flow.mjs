// openid-client v6, strict: discovery from the full well-known URL, id_token signatures
// checked (enableNonRepudiationChecks), PKCE S256, state and nonce; then refresh and client
// credentials.
import * as client from 'openid-client'
import { emit, readCallbackUrl, run, settings } from './flow_io.mjs'

run(async () => {
  const config = await client.discovery(new URL(settings.wellKnownUrl), settings.clientId,
    settings.clientSecret)
  client.enableNonRepudiationChecks(config)
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirectUri,
    scope: `openid offline_access ${settings.apiScope}`,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  emit({ authorization_url: url.href })
  const callback = new URL(await readCallbackUrl())
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  })
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
  const appOnly = await client.clientCredentialsGrant(config,
    { scope: `${settings.clientId}/.default` })
  return {
    issuer: config.serverMetadata().issuer,
    nonce,
    code: { claims: tokens.claims(), access_token: tokens.access_token,
            refresh_token: tokens.refresh_token },
    refresh: { claims: refreshed.claims(), access_token: refreshed.access_token,
               refresh_token: refreshed.refresh_token },
    client_credentials: { access_token: appOnly.access_token },
  }
})
