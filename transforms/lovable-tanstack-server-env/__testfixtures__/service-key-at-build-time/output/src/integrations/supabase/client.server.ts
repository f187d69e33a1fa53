import { createClient } from '@supabase/supabase-js';
import type { Database } from './types';

export const supabaseAdmin = createClient<Database>(
  process.env['SUPABASE_URL']!,
  // ownit-todo: read SUPABASE_SERVICE_ROLE_KEY through process.env: import.meta.env values are inlined into the build, and from there into every bundle that imports this file
  import.meta.env['VITE_SUPABASE_SERVICE_ROLE_KEY'],
  { auth: { persistSession: false, autoRefreshToken: false } },
);
