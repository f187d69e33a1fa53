import { createClient } from "@supabase/supabase-js";
import { sign } from "@shared/sign.ts";

Deno.serve(async (req) => {
  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);
  return Response.json({ ok: Boolean(supabase), signature: await sign(await req.text()) });
});
