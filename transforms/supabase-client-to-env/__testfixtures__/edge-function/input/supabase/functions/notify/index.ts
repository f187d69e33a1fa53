import { serve } from "https://deno.land/std@0.168.0/http/server.ts";
import { createClient } from "https://esm.sh/@supabase/supabase-js@2";

const supabase = createClient(
  "https://qpwoeirutyalskdjfhgz.supabase.co",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFwd29laXJ1dHlhbHNrZGpmaGd6Iiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoyMDUxMjY1NjAwfQ.CsvQPo4e2Djmyu_SWc_NQVOmxs7Lz3bjm5iX6z_Bk1U",
);

serve(async (req) => {
  const { taskId } = await req.json();
  const { data: task } = await supabase.from("tasks").select("*").eq("id", taskId).single();
  await fetch("https://qpwoeirutyalskdjfhgz.supabase.co/functions/v1/send-email", {
    method: "POST",
    headers: { Authorization: "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFwd29laXJ1dHlhbHNrZGpmaGd6Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.xa_xF3PXXPGnCc0rIiXFKonteoAP0fdXRM-do7U_WTM", "Content-Type": "application/json" },
    body: JSON.stringify({ subject: `Task due: ${task.title}` }),
  });
  return new Response("ok");
});
