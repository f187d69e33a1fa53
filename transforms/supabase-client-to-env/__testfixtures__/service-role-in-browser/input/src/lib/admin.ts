import { createClient } from "@supabase/supabase-js";

const SUPABASE_URL = 'https://qpwoeirutyalskdjfhgz.supabase.co'
const SERVICE_KEY = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFwd29laXJ1dHlhbHNrZGpmaGd6Iiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoyMDUxMjY1NjAwfQ.CsvQPo4e2Djmyu_SWc_NQVOmxs7Lz3bjm5iX6z_Bk1U'

// Used by the admin dashboard to list every user.
export const adminClient = createClient(SUPABASE_URL, SERVICE_KEY)
