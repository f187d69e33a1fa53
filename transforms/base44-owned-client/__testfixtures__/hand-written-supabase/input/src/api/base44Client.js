import { createClient } from '@supabase/supabase-js';

const supabase = createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY);

// Compatibility layer for base44 entity API
const entity = (table) => ({
  list: async (sort) => {
    try {
      const { data, error } = await supabase.from(table).select('*');
      if (error) throw error;
      return data;
    } catch (e) {
      console.error(e);
      return [];
    }
  },
  filter: async (query) => {
    const { data } = await supabase.from(table).select('*').match(query);
    return data ?? [];
  },
  create: async (row) => (await supabase.from(table).insert(row).select().single()).data,
});

export const base44 = {
  entities: new Proxy({}, { get: (_t, name) => entity(String(name).toLowerCase()) }),
  auth: {
    me: async () => (await supabase.auth.getUser()).data.user,
    logout: async () => supabase.auth.signOut(),
  },
};
