import { serve } from "https://deno.land/std@0.168.0/http/server.ts";
import { createClient } from "https://esm.sh/@supabase/supabase-js@2";

const supabase = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

serve(async (req) => {
  const { taskId } = await req.json();
  const { data: task } = await supabase.from("tasks").select("*").eq("id", taskId).single();
  await fetch(`${Deno.env.get("SUPABASE_URL")!}/functions/v1/send-email`, {
    method: "POST",
    headers: { Authorization: `Bearer ${Deno.env.get("SUPABASE_ANON_KEY")!}`, "Content-Type": "application/json" },
    body: JSON.stringify({ subject: `Task due: ${task.title}` }),
  });
  return new Response("ok");
});
