Deno.serve(() => new Response(Deno.env.get("VITE_SUPABASE_SERVICE_ROLE_KEY") ? "configured" : "missing"));
