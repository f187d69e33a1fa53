// A loopback stand-in for an OpenID Connect provider such as Google, speaking the documented
// protocol (OpenID Connect Core 1.0 and Discovery 1.0, RFC 6749 code flow, RFC 7636 PKCE): a
// discovery document, a JWKS, an authorization endpoint that "signs in" whichever account the test
// picks and redirects back with a code, and a token endpoint that checks the client secret, the
// redirect URI, the PKCE verifier and the one-time code, then returns an id_token signed RS256
// (jose). Tests only: the real Google is not reachable here.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";

/** The account the provider signs in at its consent screen. */
export interface ProviderAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  account: ProviderAccount;
}

export interface OidcStandin {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization signs in as. */
  signInAs(account: ProviderAccount): void;
  /** What the authorization endpoint was asked (the last request's query). */
  lastAuthorization(): URLSearchParams | undefined;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startOidcStandin(
  clientId = "test-client.apps.example",
  clientSecret = "test-client-secret",
): Promise<OidcStandin> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = "standin-key-1";
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const grants = new Map<string, Grant>();
  let account: ProviderAccount | undefined;
  let authorization: URLSearchParams | undefined;
  let issuer = "";

  const json = (res: import("node:http").ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(value));
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", issuer);
      if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          scopes_supported: ["openid", "email", "profile"],
        });
      }
      if (req.method === "GET" && url.pathname === "/jwks") return json(res, 200, { keys: [jwk] });
      if (req.method === "GET" && url.pathname === "/authorize") {
        authorization = url.searchParams;
        const q = url.searchParams;
        const redirectUri = q.get("redirect_uri");
        if (q.get("client_id") !== clientId || !redirectUri) return json(res, 400, { error: "invalid_request" });
        const back = new URL(redirectUri);
        if (q.get("state")) back.searchParams.set("state", q.get("state")!);
        if (
          q.get("response_type") !== "code" ||
          q.get("code_challenge_method") !== "S256" ||
          !q.get("code_challenge") ||
          !account ||
          !(q.get("scope") ?? "").split(" ").includes("openid")
        ) {
          back.searchParams.set("error", "invalid_request");
        } else {
          const code = randomBytes(16).toString("base64url");
          grants.set(code, {
            clientId,
            redirectUri,
            challenge: q.get("code_challenge")!,
            nonce: q.get("nonce") ?? undefined,
            account,
          });
          back.searchParams.set("code", code);
          back.searchParams.set("iss", issuer);
        }
        res.writeHead(302, { location: back.href });
        return res.end();
      }
      if (req.method === "POST" && url.pathname === "/token") {
        const form = new URLSearchParams(await body(req));
        // client_secret_basic (RFC 6749 2.3.1: form-urlencoded id and secret) or client_secret_post.
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const [id, secret] = basic
          ? Buffer.from(basic, "base64")
              .toString("utf8")
              .split(":")
              .map((part) => decodeURIComponent(part.replace(/\+/g, " ")))
          : [form.get("client_id"), form.get("client_secret")];
        if (id !== clientId || secret !== clientSecret) return json(res, 401, { error: "invalid_client" });
        const code = form.get("code") ?? "";
        const grant = grants.get(code);
        grants.delete(code);
        const verifier = form.get("code_verifier") ?? "";
        const challenge = createHash("sha256").update(verifier).digest("base64url");
        if (
          form.get("grant_type") !== "authorization_code" ||
          !grant ||
          grant.redirectUri !== form.get("redirect_uri") ||
          grant.challenge !== challenge
        )
          return json(res, 400, { error: "invalid_grant" });
        const { sub, ...claims } = grant.account;
        const idToken = await new SignJWT({ ...claims, ...(grant.nonce ? { nonce: grant.nonce } : {}) })
          .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
          .setIssuer(issuer)
          .setAudience(clientId)
          .setSubject(sub)
          .setIssuedAt()
          .setExpirationTime("5m")
          .sign(privateKey as CryptoKey);
        return json(res, 200, {
          access_token: randomBytes(16).toString("base64url"),
          token_type: "Bearer",
          expires_in: 300,
          scope: "openid email profile",
          id_token: idToken,
        });
      }
      json(res, 404, { error: "not_found" });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(next) {
      account = next;
    },
    lastAuthorization: () => authorization,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
