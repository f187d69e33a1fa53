const APP_URL = Deno.env.get("APP_URL") ?? "https://notes-studio-k3x9.bolt.host";

Deno.serve(() => Response.redirect(APP_URL, 302));
