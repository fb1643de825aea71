// @azure/msal-node: a confidential client against a B2C authority (knownAuthorities, so no
// instance discovery), PKCE S256; then a forced silent refresh and client credentials.
// The CA comes from NODE_EXTRA_CA_CERTS.  In v7 nonce and state must be in the token request.
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node'
import { randomBytes } from 'node:crypto'
import { emit, readCallbackUrl, run, settings } from './flow_io.mjs'

run(async () => {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      authority: settings.authority,
      knownAuthorities: [new URL(settings.authority).host],
    },
  })
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes()
  const state = randomBytes(16).toString('hex')
  const nonce = randomBytes(16).toString('hex')
  const scopes = [settings.apiScope]
  const url = await app.getAuthCodeUrl({
    scopes, redirectUri: settings.redirectUri, codeChallenge: challenge,
    codeChallengeMethod: 'S256', state, nonce, responseMode: 'query',
  })
  emit({ authorization_url: url })
  const callback = new URL(await readCallbackUrl())
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch')
  if (callback.searchParams.get('error')) throw new Error(callback.search)
  const code = await app.acquireTokenByCode({
    code: callback.searchParams.get('code'), scopes, redirectUri: settings.redirectUri,
    codeVerifier: verifier, state, nonce,
  })
  const refreshed = await app.acquireTokenSilent({
    account: code.account, scopes, forceRefresh: true,
  })
  const appOnly = await app.acquireTokenByClientCredential({
    scopes: [`${settings.clientId}/.default`],
  })
  return {
    nonce,
    code: { claims: code.idTokenClaims, id_token: code.idToken, access_token: code.accessToken },
    refresh: { claims: refreshed.idTokenClaims, id_token: refreshed.idToken,
               access_token: refreshed.accessToken, from_cache: refreshed.fromCache },
    client_credentials: { access_token: appOnly.accessToken },
  }
})
