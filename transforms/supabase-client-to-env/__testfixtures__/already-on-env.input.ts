import { createClient } from "@supabase/supabase-js";
import type { Database } from "./types";

// The project lives at https://<ref>.supabase.co; the values come from .env.local.
export const supabase = createClient<Database>(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY);
