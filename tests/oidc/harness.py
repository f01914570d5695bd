"""The test identity provider and its helpers, for the single sign-on tests.

- ``TestProvider``: oidc-provider (Node, ``provider.mjs`` beside this file) in a process of its
  own on a free 127.0.0.1 port, with a client for the live server and the accounts a test
  gives it. It signs with a key made here, so that a test can also sign a token as it would.
- ``Forger``: a second, tiny server that answers as that provider's token endpoint with ID
  tokens a test has crafted (a wrong audience, an expired one, another nonce), signed with
  the provider's key or another. Its discovery document is the provider's own, with the
  token and userinfo endpoints its own; the keys are still the provider's, at its address.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

HERE = Path(__file__).resolve().parent
CLIENT_ID = "breakthrough-tests"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"
PASSWORD = "provider-password"


def signing_key(kid: str):
    """A new RSA key: (the private key, its private JWK for the provider)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    # PyJWT marks a private JWK for signing only; the provider verifies with it too (the
    # id_token_hint of a sign-out).
    jwk.pop("key_ops", None)
    jwk.update(kid=kid, alg="RS256", use="sig")
    return key, jwk


def account(username: str, email: str, groups=(), **claims) -> dict:
    """An account at the provider: signs in as ``username`` with ``PASSWORD``."""
    return {
        "password": PASSWORD,
        "claims": {
            "sub": f"sub-{username}",
            "email": email,
            "email_verified": True,
            "given_name": username.capitalize(),
            "family_name": "Tester",
            "name": f"{username.capitalize()} Tester",
            "groups": list(groups),
            **claims,
        },
    }


class TestProvider:
    def __init__(self, *, redirect_uri: str, post_logout_redirect_uri: str):
        node = shutil.which("node")
        if node is None or not (HERE / "node_modules" / "oidc-provider").exists():
            raise RuntimeError(
                "The test OpenID Connect provider needs Node.js and its package: "
                "`make install-test` runs `npm ci` in tests/oidc."
            )
        self.key, jwk = signing_key("provider-key")
        self.folder = Path(tempfile.mkdtemp(prefix="breakthrough-oidc-"))
        self.config_path = self.folder / "config.json"
        self.config = {
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [redirect_uri],
                    "post_logout_redirect_uris": [post_logout_redirect_uri],
                }
            ],
            "jwks": {"keys": [jwk]},
            "accounts": {},
        }
        self._write()
        self.log = open(self.folder / "provider.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [node, str(HERE / "provider.mjs"), str(self.config_path)],
            cwd=HERE,
            stdin=subprocess.PIPE,  # closed when this process ends, however it ends
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env={**os.environ, "NODE_ENV": "test"},
        )
        self.issuer = self._wait_ready()

    def _wait_ready(self) -> str:
        found: list[str] = []

        def read():
            for line in self.process.stdout:
                if line.startswith("READY "):
                    found.append(line.split()[1])
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout=30)
        if not found:
            self.stop()
            self.log.seek(0)
            raise RuntimeError(f"The test provider did not start:\n{self.log.read()}")
        return found[0]

    def _write(self) -> None:
        temporary = self.config_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.config))
        temporary.replace(self.config_path)  # never half a file for the provider to read

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def discovery(self) -> dict:
        with urlopen(self.discovery_url, timeout=10) as response:  # noqa: S310 (loopback)
            return json.load(response)

    def set_accounts(self, *accounts_by_username: tuple[str, dict]) -> None:
        self.config["accounts"] = dict(accounts_by_username)
        self._write()

    def sign(self, claims: dict, key=None, kid: str = "provider-key") -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class Forger:
    """Answers as the provider's token and userinfo endpoints, with what the test set."""

    def __init__(self, provider: TestProvider):
        self.provider = provider
        self.id_token = ""
        self.userinfo: dict = {}
        self.token_requests: list[str] = []
        self.token_error = ""  # set: the token endpoint answers 400 with this error
        forger = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                if self.path == "/.well-known/openid-configuration":
                    document = forger.provider.discovery()
                    document["token_endpoint"] = f"{forger.address}/token"
                    document["userinfo_endpoint"] = f"{forger.address}/userinfo"
                    self._json(document)
                elif self.path == "/userinfo":
                    self._json(forger.userinfo)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                forger.token_requests.append(self.rfile.read(length).decode())
                if forger.token_error:
                    self._json({"error": forger.token_error}, 400)
                    return
                self._json(
                    {
                        "access_token": "forged-access-token",
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": forger.id_token,
                    }
                )

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def discovery_url(self) -> str:
        return f"{self.address}/.well-known/openid-configuration"

    def answer(self, claims: dict, key=None, kid: str = "provider-key") -> None:
        """Answer the next token request with an ID token of these claims (signed with the
        provider's key unless told otherwise), and userinfo about the same person."""
        self.id_token = self.provider.sign(claims, key=key, kid=kid)
        self.userinfo = {"sub": claims.get("sub")}

    def claims(self, *, nonce: str, sub: str = "sub-forged", **overrides) -> dict:
        """What the provider would put in an ID token for this client, now."""
        now = int(time.time())
        claims = {
            "iss": self.provider.issuer,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": "forged@northshire.gov.uk",
            "email_verified": True,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    """A port nothing listens on (for a provider that is down)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
