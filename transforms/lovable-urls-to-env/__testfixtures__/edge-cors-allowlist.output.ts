// ownit-todo: https://taskflow-buddy.lovable.app is the app's Lovable address: add your own domain to this list; https://id-preview--5b0e7c1a.lovable.app is Lovable's editor preview, not your site: remove it or use your own domain
const ALLOWED_ORIGINS = ["https://taskflow-buddy.lovable.app", "https://id-preview--5b0e7c1a.lovable.app"];

Deno.serve(async (req) => {
  const origin = req.headers.get("origin") ?? "";
  const cors = ALLOWED_ORIGINS.includes(origin) ? { "Access-Control-Allow-Origin": origin } : {};
  const { token } = await req.json();
  const link = `${Deno.env.get("SITE_URL")}/invite/${token}`;
  return new Response(JSON.stringify({ link }), { headers: { ...cors, "Content-Type": "application/json" } });
});
