import { createClient } from "@supabase/supabase-js";

export const supabase = createClient(
  import.meta.env.VITE_SUPABASE_URL,
  import.meta.env.VITE_SUPABASE_ANON_KEY
);

// ownit-todo: this is a service-role key: it must not ship to the browser. Rotate it, then call the code that needs it from a server
export const supabaseAdmin = createClient(import.meta.env.VITE_SUPABASE_URL, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6Inp4Y3Zibm1hc2RmZ2hqa2xxd2VyIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoyMDUxMjY1NjAwfQ.c2lnbmF0dXJlLW5vdC1jaGVja2VkLXRvbw");
