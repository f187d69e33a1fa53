import { createClient } from "@supabase/supabase-js";

export const supabaseAdmin = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);
// A server-only module may read even a mis-named secret: it never reaches a browser.
export const legacy = process.env.VITE_SUPABASE_SERVICE_ROLE_KEY;
