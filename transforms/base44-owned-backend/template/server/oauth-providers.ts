// Social sign-in facts, without dependencies so the ownit codemod that writes this server reads the
// same ones: the paths Base44's SDK sends `auth.loginWithProvider` to, the callback URL an owner
// registers with each provider, and the settings each provider takes from the environment.

/** Where `loginWithProvider(provider)` sends the browser (the SDK's own paths: Google has no segment). */
export const SOCIAL_AUTH_BASE = "/api/apps/auth";

export function socialLoginPath(provider: string): string {
  return provider === "google" ? `${SOCIAL_AUTH_BASE}/login` : `${SOCIAL_AUTH_BASE}/${provider}/login`;
}

/** The redirect URL to register with the provider, under the app's public URL. */
export function socialCallbackPath(provider: string): string {
  return `${SOCIAL_AUTH_BASE}/${provider}/callback`;
}

/** Issuers of well-known OpenID providers; any other provider names its issuer in <NAME>_ISSUER_URL. */
export const KNOWN_ISSUERS: Record<string, string> = {
  google: "https://accounts.google.com",
};

/** A provider name as the SDK passes it ("google", "microsoft"): lowercase letters, digits, dashes. */
export const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The social sign-in routes (start and callback): signing in, so a signed-out visitor of a private app reaches them. */
export const SOCIAL_SIGN_IN_ROUTE = new RegExp(`^${SOCIAL_AUTH_BASE}/(login|${PROVIDER_NAME.source.slice(1, -1)}/(login|callback))$`);

/** The environment variables of one provider: GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_ISSUER_URL. */
export function providerEnvNames(provider: string): { clientId: string; clientSecret: string; issuer: string } {
  const prefix = provider.toUpperCase().replace(/-/g, "_");
  return { clientId: `${prefix}_CLIENT_ID`, clientSecret: `${prefix}_CLIENT_SECRET`, issuer: `${prefix}_ISSUER_URL` };
}

export interface SocialProvider {
  clientId: string;
  clientSecret: string;
  issuer: string;
}

/** The providers the environment configures: a client id and secret, and an issuer (known or given). */
export function readSocialProviders(env: Record<string, string | undefined>): Record<string, SocialProvider> {
  const out: Record<string, SocialProvider> = {};
  for (const key of Object.keys(env)) {
    const m = /^([A-Z][A-Z0-9_]*)_CLIENT_ID$/.exec(key);
    const provider = m?.[1]!.toLowerCase().replace(/_/g, "-");
    if (!provider || !PROVIDER_NAME.test(provider)) continue;
    const names = providerEnvNames(provider);
    const issuer = env[names.issuer] || KNOWN_ISSUERS[provider];
    const clientId = env[names.clientId];
    const clientSecret = env[names.clientSecret];
    if (issuer && clientId && clientSecret) out[provider] = { clientId, clientSecret, issuer };
  }
  return out;
}
