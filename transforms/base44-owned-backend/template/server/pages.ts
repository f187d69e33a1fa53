// The sign-in and set-password pages Base44 used to host (`auth.redirectToLogin()` lands here).
// Plain HTML with a few lines of script, served under /api so the Vite dev proxy reaches them.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(title: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f5f5f7; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); width: min(360px, 90vw); display: grid; gap: .75rem; }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  input, button { font: inherit; padding: .6rem .75rem; border-radius: 8px; border: 1px solid #ccc; }
  button { background: #111; color: #fff; border: none; cursor: pointer; }
  .link { background: none; color: #333; text-decoration: underline; padding: 0; }
  .message { min-height: 1.2em; color: #b00020; font-size: .9rem; }
  .message.ok { color: #0a7a2f; }
</style>
</head>
<body>
${body}
<script>
${script}
</script>
</body>
</html>`;
}

const SHARED_SCRIPT = `
const params = new URLSearchParams(location.search);
const api = (path, body) => fetch(path, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  .then(async (res) => { const data = await res.json().catch(() => ({})); if (!res.ok) throw new Error(data.message || res.statusText); return data; });
const say = (text, ok) => { const m = document.querySelector(".message"); m.textContent = text; m.className = ok ? "message ok" : "message"; };
// Only same-origin paths: a login page must not bounce people to another site.
const next = () => { const to = params.get("from_url") || "/"; try { const u = new URL(to, location.origin); return u.origin === location.origin ? u.href : "/"; } catch { return "/"; } };
`;

export function loginPage(appName: string, appId: string): string {
  const body = `<form id="login">
  <h1>Sign in to ${escapeHtml(appName || "the app")}</h1>
  <input name="email" type="email" placeholder="Email" autocomplete="email" required>
  <input name="password" type="password" placeholder="Password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
  <button type="button" class="link" id="forgot">Forgot password, or first sign-in since the move?</button>
  <p class="message"></p>
</form>`;
  const script = `${SHARED_SCRIPT}
const base = "/api/apps/${encodeURIComponent(appId)}/auth";
document.getElementById("login").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  api(base + "/login", { email: f.get("email"), password: f.get("password") }).then(() => location.assign(next())).catch((err) => say(err.message));
});
document.getElementById("forgot").addEventListener("click", () => {
  const email = new FormData(document.getElementById("login")).get("email");
  if (!email) return say("Type your email first.");
  api(base + "/reset-password-request", { email }).then(() => say("If that account exists, a link to set your password is on its way.", true)).catch((err) => say(err.message));
});`;
  return page(`Sign in · ${appName}`, body, script);
}

export function resetPage(appName: string, appId: string): string {
  const body = `<form id="reset">
  <h1>Set your password for ${escapeHtml(appName || "the app")}</h1>
  <input name="password" type="password" placeholder="New password (8 characters or more)" autocomplete="new-password" minlength="8" required>
  <button type="submit">Save and sign in</button>
  <p class="message"></p>
</form>`;
  const script = `${SHARED_SCRIPT}
document.getElementById("reset").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  api("/api/apps/${encodeURIComponent(appId)}/auth/reset-password", { reset_token: params.get("token"), new_password: f.get("password") })
    .then(() => location.assign("/")).catch((err) => say(err.message));
});`;
  return page(`Set password · ${appName}`, body, script);
}
