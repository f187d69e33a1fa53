const ALLOWED_ORIGINS = ["https://taskflow-buddy.lovable.app", "https://id-preview--5b0e7c1a.lovable.app"];

Deno.serve(async (req) => {
  const origin = req.headers.get("origin") ?? "";
  const cors = ALLOWED_ORIGINS.includes(origin) ? { "Access-Control-Allow-Origin": origin } : {};
  const { token } = await req.json();
  const link = `https://taskflow-buddy.lovable.app/invite/${token}`;
  return new Response(JSON.stringify({ link }), { headers: { ...cors, "Content-Type": "application/json" } });
});
