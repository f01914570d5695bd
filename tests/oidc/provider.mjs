// A real OpenID Connect provider for Breakthrough's single sign-on tests: oidc-provider (the
// certified Node.js implementation) on 127.0.0.1, with its own sign-in and consent pages.
//
// usage: node provider.mjs CONFIG.json
//
// CONFIG.json, written by the pytest fixture (tests/sso.py):
//   { "clients":  [{ client_id, client_secret, redirect_uris, post_logout_redirect_uris }],
//     "jwks":     { "keys": [<private RSA JWK>] },   the signing key, so tests can forge with it
//     "accounts": { "<username>": { "password": "...", "claims": { "sub": "...", ... } } } }
//
// The accounts are read from the file again on every sign-in, so a test can take someone out of
// a group between two sign-ins, as an IT department would in its directory.
//
// It listens on a free port and prints "READY <issuer>" once it answers.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const configPath = process.argv[2];
const readConfig = () => JSON.parse(readFileSync(configPath, 'utf8'));
const config = readConfig();

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function accountBySub(sub) {
  const { accounts } = readConfig();
  return Object.values(accounts).find((account) => account.claims.sub === sub);
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    jwks: config.jwks,
    cookies: { keys: ['breakthrough-test-provider-cookie-key'] },
    // Every client must use PKCE, so that the tests show Breakthrough sends it.
    pkce: { required: () => true },
    // Like Microsoft Entra ID: the email and groups are in the ID token itself, not only at
    // the userinfo endpoint.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'groups'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    async findAccount(ctx, sub) {
      const account = accountBySub(sub);
      if (!account) return undefined;
      return { accountId: sub, async claims() { return accountBySub(sub).claims; } };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Sign out of the test provider?', `${form}
            <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out of the test provider', '');
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Provider error', `<pre>${escape(JSON.stringify(out))}</pre>`);
    },
  });
  // Plain HTTP on loopback, for the tests only.
  provider.proxy = false;

  const handle = provider.callback();

  async function readForm(req) {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  }

  // The sign-in and consent pages: a username and password checked against the accounts, then
  // "Continue" to let Breakthrough have the claims.
  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      if (prompt.name === 'login') {
        res.end(page('Sign in to the test provider', `
          <form method="post" action="/interaction/${uid}/login">
            <label>Username <input name="username" autocomplete="username"></label>
            <label>Password <input name="password" type="password"></label>
            <button type="submit">Sign in</button>
          </form>`));
      } else {
        res.end(page(`Let ${params.client_id} see your details?`, `
          <p>Scopes: ${escape(params.scope)}</p>
          <form method="post" action="/interaction/${uid}/consent">
            <button type="submit">Continue</button>
          </form>
          <form method="post" action="/interaction/${uid}/abort">
            <button type="submit">Cancel</button>
          </form>`));
      }
      return;
    }
    const form = await readForm(req);
    if (action === 'login') {
      const account = readConfig().accounts[form.get('username')];
      if (!account || account.password !== form.get('password')) {
        res.statusCode = 401;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(page('Wrong username or password', `<a href="/interaction/${uid}">Try again</a>`));
        return;
      }
      await provider.interactionFinished(req, res, {
        login: { accountId: account.claims.sub },
      }, { mergeWithLastSubmission: false });
    } else if (action === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      await provider.interactionFinished(req, res, {
        consent: { grantId: await grant.save() },
      }, { mergeWithLastSubmission: true });
    } else {
      await provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'The person cancelled at the provider',
      }, { mergeWithLastSubmission: false });
    }
  }

  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([\w-]+)(?:\/(login|consent|abort))?$/);
    if (!match) {
      handle(req, res);
      return;
    }
    try {
      await interaction(req, res, match[1], match[2]);
    } catch (error) {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(page('Provider error', `<pre>${escape(error.message)}</pre>`));
    }
  });

  console.log(`READY ${issuer}`);
});

// The fixture ends the provider with SIGTERM; exit at once rather than wait for keep-alives.
process.on('SIGTERM', () => process.exit(0));
// And if the test run itself is killed, its end of this pipe closes: go too, rather than
// listen on after it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
