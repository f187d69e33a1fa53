import { createClient } from '@supabase/supabase-js';

const supabaseUrl = import.meta.env.VITE_SUPABASE_URL;
const supabaseAnonKey = import.meta.env.VITE_SUPABASE_ANON_KEY;

export const supabase = createClient(supabaseUrl, supabaseAnonKey);

// Used by the admin panel to list every note, bypassing row level security.
// ownit-todo: VITE_SUPABASE_SERVICE_ROLE_KEY is a secret, but the VITE_ prefix ships it to every browser: rotate it and use it only in server code
export const supabaseAdmin = createClient(supabaseUrl, import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY);

export async function deleteUser(id: string) {
  return supabaseAdmin.auth.admin.deleteUser(id);
}
