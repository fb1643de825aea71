// A single-page app as the msal-browser samples write one: loginRedirect, handleRedirectPromise
// when the browser comes back (msal redeems the code with PKCE at the token endpoint, a
// cross-origin fetch), then acquireTokenSilent with forceRefresh (the refresh-token grant).
// The outcome goes into #status and #result for the test to read.
const settings = window.SPA_SETTINGS;
const show = (id, text) => { document.getElementById(id).textContent = text; };
const summary = (result) => ({
  idTokenClaims: result.idTokenClaims, accessToken: result.accessToken, scopes: result.scopes,
  fromCache: result.fromCache, tokenType: result.tokenType,
  username: result.account && result.account.username,
});

function fail(error) {
  show("result", JSON.stringify({ error: (error && (error.errorCode || error.name)) || "error",
                                  message: String(error && error.message) }));
  show("status", "failed");
}

async function main() {
  const app = new msal.PublicClientApplication({
    auth: { clientId: settings.clientId, authority: settings.authority,
            knownAuthorities: [settings.knownAuthority], redirectUri: settings.redirectUri },
    cache: { cacheLocation: "sessionStorage" },
  });
  await app.initialize();
  const login = await app.handleRedirectPromise();
  if (!login) {
    const button = document.getElementById("sign-in");
    button.addEventListener("click", () => {
      show("status", "redirecting");
      app.loginRedirect({ scopes: settings.scopes }).catch(fail);
    });
    button.disabled = false;
    show("status", "signed out");
    return;
  }
  const refreshed = await app.acquireTokenSilent({ account: login.account, scopes: settings.scopes,
                                                   forceRefresh: true });
  show("result", JSON.stringify({ login: summary(login), refresh: summary(refreshed) }, null, 2));
  show("status", "signed in");
}

main().catch(fail);
